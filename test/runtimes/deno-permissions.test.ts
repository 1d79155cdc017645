import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cliPath as cli } from '../helpers.js';
import { fixtureScript, repoRoot, report, runWith } from './runtimes.js';

// Deno may read the package (to start workers) and nothing else: /proc, /sys and os facts are refused.
const readPackageOnly = [`--allow-read=${repoRoot}`];

test('deno without permissions for /proc or /sys: sysinfo() says unknown (null), usableCores() and new Pool() work', async () => {
  const result = await runWith('deno', fixtureScript('sysinfo.mjs'), [], { denoFlags: readPackageOnly });
  assert.equal(result.code, 0, result.stderr);
  const out = report<{ info: Record<string, Record<string, unknown>>; usable: number; workers: number; doubled: number[] }>(result);
  assert.equal(out.info.runtime!.name, 'deno');
  assert.match(String(out.info.runtime!.version), /^\d+\.\d+\.\d+/);
  assert.equal(out.info.cores!.affinity, null);
  assert.equal(out.info.cores!.cgroupQuota, null);
  assert.deepEqual(out.info.memory, { total: null, available: null, cgroupLimit: null });
  assert.ok(out.usable >= 1);
  assert.equal(out.workers, out.usable);
  assert.deepEqual(out.doubled, [2, 4, 6]);
});

test('deno with every permission reads the real facts', async () => {
  const result = await runWith('deno', fixtureScript('sysinfo.mjs'));
  assert.equal(result.code, 0, result.stderr);
  const out = report<{ info: { memory: { total: unknown }; cores: { affinity: unknown } } }>(result);
  assert.equal(typeof out.info.memory.total, 'number');
  assert.equal(typeof out.info.cores.affinity, 'number');
});

test('multicore info under deno without permissions prints unknowns and names Deno', async () => {
  const table = await runWith('deno', cli, ['info'], { denoFlags: readPackageOnly });
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^Memory total +unknown$/m);
  assert.match(table.stdout, /^System +linux \w+, Deno \d+\.\d+\.\d+ \(Node v[\d.]+ compatible\)$/m);
  const json = await runWith('deno', cli, ['info', '--json'], { denoFlags: readPackageOnly });
  assert.equal(json.code, 0, json.stderr);
  assert.equal((JSON.parse(json.stdout) as { runtime: { name: string } }).runtime.name, 'deno');
});
