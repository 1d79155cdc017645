/**
 * The ready reductions stay optimised in workers: V8's own trace, read from a child process that
 * runs each of them on every typed array kind, shows every kernel copy compiled by TurboFan and
 * none of them ever deoptimised. No timing: what is checked is what V8 says it did. V8 compiles on
 * the workers' own threads here (no concurrent recompilation), so that when it optimises depends
 * on how much the kernels ran, not on how busy the machine is.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { reasons, unsupportedOn } from '../runtimes/support.js';

const script = fileURLToPath(new URL('./fixtures/kernels-traced.mjs', import.meta.url));
const kernels = ['sumFloat', 'sumInteger', 'extremeNumber', 'extentNumber', 'dotNumber', 'histogramNumber', 'sumBigInt', 'minBigInt', 'maxBigInt', 'dotBigInt'];

function traced(): Promise<string> {
  return new Promise((resolve, reject) => {
    const flags = ['--no-concurrent-recompilation', '--no-concurrent-osr', '--trace-opt', '--trace-deopt'];
    execFile(process.execPath, [...flags, script], { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`the traced run failed: ${stderr}`, { cause: error }));
      else resolve(stdout);
    });
  });
}

describe('the kernels of the ready reductions', () => {
  const optimised = 'the ready reductions are optimised by TurboFan in the workers and never deoptimised';
  it('are optimised by TurboFan in the workers and never deoptimised', { skip: unsupportedOn({ bun: reasons.v8Trace, deno: reasons.nodeCommandLine }, optimised) }, async () => {
    const trace = await traced();
    // Deoptimisation lines name the function and the code thrown away; two threads may interleave
    // their lines, but each names its function and code in one piece.
    const deoptimised = [...trace.matchAll(/<JSFunction ([\w$]+) \(sfi = 0x[0-9a-f]+\)>, 0x[0-9a-f]+ <Code (?:TURBOFAN|MAGLEV)>/g)].map((m) => m[1]);
    assert.deepEqual(deoptimised.filter((name) => kernels.includes(name!)), [], 'no kernel was deoptimised');
    const optimised = new Set(
      [...trace.matchAll(/completed (?:optimizing|compiling) 0x[0-9a-f]+ <JSFunction ([\w$]+) \(sfi = 0x[0-9a-f]+\)> \(target TURBOFAN\)/g)].map((m) => m[1]),
    );
    for (const kernel of kernels) assert.ok(optimised.has(kernel), `${kernel} was optimised`);
  });
});
