/**
 * The ready reductions stay optimised in workers: V8's own trace, read from a child process that
 * runs each of them on every typed array kind, shows every kernel copy compiled by TurboFan and
 * none of them ever deoptimised. No timing: what is checked is what V8 says it did.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./fixtures/kernels-traced.mjs', import.meta.url));
const numberKernels = ['sumFloat', 'sumInteger', 'minNumber', 'maxNumber', 'extentNumber', 'dotNumber', 'histogramNumber'];
const kernels = [...numberKernels, 'sumBigInt', 'minBigInt', 'maxBigInt', 'dotBigInt'];

function traced(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--trace-opt', '--trace-deopt', script], { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`the traced run failed: ${stderr}`, { cause: error }));
      else resolve(stdout);
    });
  });
}

describe('the kernels of the ready reductions', () => {
  it('are optimised by TurboFan in the workers and never deoptimised', async () => {
    const trace = await traced();
    // Deoptimisation lines name the function and the code thrown away; two threads may interleave
    // their lines, but each names its function and code in one piece.
    const deoptimised = [...trace.matchAll(/<JSFunction ([\w$]+) \(sfi = 0x[0-9a-f]+\)>, 0x[0-9a-f]+ <Code (?:TURBOFAN|MAGLEV)>/g)].map((m) => m[1]);
    assert.deepEqual(deoptimised.filter((name) => kernels.includes(name!)), [], 'no kernel was deoptimised');
    const optimised = new Set([...trace.matchAll(/completed optimizing 0x[0-9a-f]+ <JSFunction ([\w$]+)/g)].map((m) => m[1]));
    for (const kernel of numberKernels) assert.ok(optimised.has(kernel), `${kernel} was optimised`);
  });
});
