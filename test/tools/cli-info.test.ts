import { test } from 'node:test';
import { multicore } from '../helpers.js';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { currentRuntime } from '../../dist/system/js-runtime.js';

const sysroot = (name: string) => fileURLToPath(new URL(`../fixtures/sysroots/${name}`, import.meta.url));

test('multicore info --json prints the documented shape', async () => {
  const { code, stdout } = await multicore('info', '--json', '--root', sysroot('cgroup-v1'));
  assert.equal(code, 0);
  const info = JSON.parse(stdout) as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(info), ['cores', 'memory', 'disk', 'platform', 'arch', 'node', 'runtime']);
  // The CLI runs on the runtime that runs this test.
  assert.deepEqual(info.runtime, currentRuntime());
  assert.deepEqual(info.cores, { logical: 4, physical: 4, usable: 1, affinity: 4, cgroupQuota: 0.5, model: 'AMD EPYC 7B13' });
  assert.deepEqual(info.memory, { total: 8192000000, available: 6144000000, cgroupLimit: 536870912 });
  assert.equal(info.disk!.path, process.cwd());
});

test('multicore info prints a table with sizes in GiB and "none" for absent limits', async () => {
  const { code, stdout } = await multicore('info', '--root', sysroot('no-cgroup'));
  assert.equal(code, 0);
  assert.match(stdout, /^CPU model +BCM2835$/m);
  assert.match(stdout, /^Logical cores +2$/m);
  assert.match(stdout, /^Physical cores +unknown$/m);
  assert.match(stdout, /^cgroup CPU quota +none$/m);
  assert.match(stdout, /^Memory total +2\.0 GiB$/m);
  assert.match(stdout, /^cgroup memory limit +none$/m);
  assert.match(stdout, /^Usable cores +\d+ {2}\(the Pool's default worker count\)$/m);
});

test('multicore info --help, and a clear message with exit code 2 for unknown options', async () => {
  const help = await multicore('info', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: multicore info/);
  const bad = await multicore('info', '--bogus');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^multicore info: unknown option '--bogus'\.\nRun 'multicore info --help' for usage\.\n$/);
  const near = await multicore('info', '--jsn');
  assert.equal(near.code, 2);
  assert.match(near.stderr, /unknown option '--jsn'\. Did you mean '--json'\?/);
  const stray = await multicore('info', 'extra');
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /unexpected argument 'extra'/);
  const valued = await multicore('info', '--json=yes');
  assert.equal(valued.code, 2);
  assert.match(valued.stderr, /--json takes no value/);
  const missing = await multicore('info', '--path', '/no/such/dir/for/multicore');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no such file or directory/);
});

