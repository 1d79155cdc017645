import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { sysinfo, usableCores } from '../../dist/system/sysinfo.js';
import { parseCpuList } from '../../dist/system/cpu-list.js';
import { readCpuSockets } from '../../dist/system/cpu-topology.js';
import { parseMountInfo, parseProcCgroup } from '../../dist/system/cgroup.js';
import { askSystem, isAbsentError } from '../../dist/system/read-system-file.js';

const sysroot = (name: string) => fileURLToPath(new URL(`../fixtures/sysroots/${name}`, import.meta.url));
// usable never exceeds what Node itself may schedule on, so each expectation is capped by it.
const capped = (limit: number) => Math.min(os.availableParallelism(), limit);

test('cgroup v2: quota on our cgroup, memory limit inherited from the parent, SMT topology', () => {
  const info = sysinfo({ root: sysroot('cgroup-v2') });
  assert.deepEqual(info.cores, {
    logical: 8,
    physical: 4,
    usable: capped(2),
    affinity: 8,
    cgroupQuota: 1.5,
    model: 'Intel(R) Core(TM) i7-10510U CPU @ 1.80GHz',
  });
  assert.deepEqual(info.memory, { total: 16318852 * 1024, available: 9876544 * 1024, cgroupLimit: 2147483648 });
});

test('cgroup v1 in a container: the mount root is our cgroup, cores come from /proc/cpuinfo', () => {
  const info = sysinfo({ root: sysroot('cgroup-v1') });
  assert.deepEqual(info.cores, { logical: 4, physical: 4, usable: 1, affinity: 4, cgroupQuota: 0.5, model: 'AMD EPYC 7B13' });
  assert.deepEqual(info.memory, { total: 8000000 * 1024, available: 6000000 * 1024, cgroupLimit: 536870912 });
  assert.equal(usableCores({ root: sysroot('cgroup-v1') }), 1);
});

test('no cgroup limit: -1 quota and the v1 "unlimited" memory value read as null', () => {
  const info = sysinfo({ root: sysroot('no-cgroup') });
  assert.deepEqual(info.cores, { logical: 2, physical: null, usable: capped(2), affinity: 2, cgroupQuota: null, model: 'BCM2835' });
  assert.equal(info.memory.cgroupLimit, null);
  assert.equal(info.memory.total, 2048000 * 1024);
});

test('restricted affinity: usable follows Cpus_allowed_list, not the 16 online CPUs', () => {
  const info = sysinfo({ root: sysroot('restricted-affinity') });
  assert.equal(info.cores.logical, 16);
  assert.equal(info.cores.affinity, 3);
  assert.equal(info.cores.cgroupQuota, null);
  assert.equal(info.cores.usable, capped(3));
  assert.equal(usableCores({ root: sysroot('restricted-affinity') }), capped(3));
});

test('a root without /proc and /sys falls back to node:os', () => {
  const info = sysinfo({ root: sysroot('empty') });
  assert.equal(info.cores.logical, os.cpus().length);
  assert.equal(info.cores.affinity, null);
  assert.equal(info.cores.cgroupQuota, null);
  assert.equal(info.cores.physical, null);
  assert.equal(info.cores.usable, capped(os.cpus().length));
  assert.equal(info.memory.total, os.totalmem());
  assert.equal(info.memory.cgroupLimit, null);
});

test('this machine: JSON shape, platform facts and a usable count of at least 1', () => {
  const info = sysinfo();
  assert.deepEqual(Object.keys(info), ['cores', 'memory', 'disk', 'platform', 'arch', 'node', 'runtime']);
  assert.deepEqual(Object.keys(info.cores), ['logical', 'physical', 'usable', 'affinity', 'cgroupQuota', 'model']);
  assert.deepEqual(Object.keys(info.memory), ['total', 'available', 'cgroupLimit']);
  assert.deepEqual(Object.keys(info.disk), ['path', 'total', 'free']);
  assert.equal(info.platform, process.platform);
  assert.equal(info.node, process.version);
  assert.deepEqual(Object.keys(info.runtime), ['name', 'version']);
  assert.ok(info.cores.usable >= 1 && info.cores.usable <= os.availableParallelism());
  assert.equal(usableCores(), info.cores.usable);
  assert.equal(info.disk.path, process.cwd());
  assert.ok(info.disk.total !== null && info.disk.free !== null && info.disk.free <= info.disk.total);
});

test('disk describes the given path, and a missing path is an error that names it', () => {
  const here = fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, '');
  assert.equal(sysinfo({ path: here }).disk.path, here);
  assert.throws(() => sysinfo({ path: '/no/such/dir/for/multicore' }), /\/no\/such\/dir\/for\/multicore/);
});

test('bad options are TypeErrors naming the option', () => {
  assert.throws(() => usableCores({ root: 42 as unknown as string }), { name: 'TypeError', message: /options\.root/ });
  assert.throws(() => usableCores({ root: '' }), { name: 'TypeError', message: /options\.root/ });
  assert.throws(() => sysinfo({ path: 1 as unknown as string }), { name: 'TypeError', message: /options\.path/ });
});

test('parseCpuList reads ranges and single CPUs, and rejects garbage', () => {
  assert.deepEqual(parseCpuList('0-3,8,10-11\n'), [0, 1, 2, 3, 8, 10, 11]);
  assert.deepEqual(parseCpuList('5'), [5]);
  assert.deepEqual(parseCpuList(''), []);
  assert.equal(parseCpuList('3-1'), null);
  assert.equal(parseCpuList('ff'), null);
});

test('parseProcCgroup and parseMountInfo keep controllers, paths and escaped spaces', () => {
  assert.deepEqual(parseProcCgroup('3:cpu,cpuacct:/docker/x\n0::/a b\n'), [
    { controllers: ['cpu', 'cpuacct'], path: '/docker/x' },
    { controllers: [], path: '/a b' },
  ]);
  const mounts = parseMountInfo(
    '30 26 0:26 / /sys/fs/cgroup rw shared:4 - cgroup2 cgroup2 rw\n' +
      '31 30 0:28 /x /mnt/my\\040cgroups rw - cgroup cgroup rw,cpu,cpuacct\n' +
      '32 30 0:29 / /proc rw - proc proc rw\n',
  );
  assert.deepEqual(mounts, [
    { version: 2, root: '/', mountPoint: '/sys/fs/cgroup', controllers: [] },
    { version: 1, root: '/x', mountPoint: '/mnt/my cgroups', controllers: ['rw', 'cpu', 'cpuacct'] },
  ]);
});

// Deno refuses reads outside its permissions with errors of these names (see test/runtimes/ for the real thing).
const refusal = (name: string) => Object.assign(new Error('Requires read access to "/proc/meminfo"'), { name });

test('a runtime permission refusal means "unknown", any other failure is rethrown', () => {
  assert.equal(isAbsentError(refusal('NotCapable')), true);
  assert.equal(isAbsentError(refusal('PermissionDenied')), true);
  assert.equal(isAbsentError(Object.assign(new Error('x'), { code: 'EACCES' })), true);
  assert.equal(isAbsentError(new TypeError('boom')), false);
  assert.equal(askSystem(() => { throw refusal('NotCapable'); }), null);
  assert.equal(askSystem(() => 7), 7);
  assert.throws(() => askSystem(() => { throw new RangeError('boom'); }), RangeError);
});

test('CPU sockets are the distinct physical ids of /proc/cpuinfo, null where it names none', () => {
  assert.equal(readCpuSockets(sysroot('cgroup-v1')), 4);
  assert.equal(readCpuSockets(sysroot('cgroup-v2')), 1);
  assert.equal(readCpuSockets(sysroot('no-cgroup')), null);
  assert.equal(readCpuSockets(sysroot('empty')), null);
});
