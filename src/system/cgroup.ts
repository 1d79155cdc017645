/**
 * CPU quota and memory limit of the cgroup this process runs in, for cgroup v1 and v2.
 *
 * The process's cgroup path comes from /proc/self/cgroup and the place where each hierarchy is
 * mounted from /proc/self/mountinfo. Limits set on a parent cgroup bind its children too, so we
 * walk from our own cgroup up to the mount point and keep the tightest limit found on the way.
 */
import path from 'node:path';
import { readSystemFile } from './read-system-file.js';

/** What the cgroup limits allow; `null` where no limit is set or none could be read. */
export interface CgroupLimits {
  /** CPU time allowed per period, in CPUs (1.5 means one and a half CPUs), or null. */
  cpuQuota: number | null;
  /** Memory limit in bytes, or null. */
  memoryLimit: number | null;
}

interface CgroupMembership {
  /** Empty for the cgroup v2 line ("0::/path"). */
  controllers: string[];
  path: string;
}

interface CgroupMount {
  version: 1 | 2;
  /** Which part of the hierarchy is mounted (not "/" inside some containers). */
  root: string;
  mountPoint: string;
  /** For v1, the controllers this hierarchy carries (cpu, cpuacct, memory...). */
  controllers: string[];
}

// cgroup v1 writes "no limit" as the largest page-aligned counter (9223372036854771712 on
// 4 KiB pages); anything this large is not a limit anybody set on purpose.
const UNLIMITED_MEMORY = 2 ** 62;

/** Reads the cgroup CPU quota and memory limit of this process under `root` (normally "/"). */
export function readCgroupLimits(root: string): CgroupLimits {
  const memberships = parseProcCgroup(readSystemFile(root, '/proc/self/cgroup') ?? '');
  const mounts = parseMountInfo(readSystemFile(root, '/proc/self/mountinfo') ?? '');
  const v2 = resolveV2(memberships, mounts);
  const cpuV1 = resolveV1(memberships, mounts, 'cpu');
  const memoryV1 = resolveV1(memberships, mounts, 'memory');

  const cpuQuota = minimum([
    v2 === null ? null : tightest(v2, (dir) => readCpuMax(root, dir)),
    cpuV1 === null ? null : tightest(cpuV1, (dir) => readCfsQuota(root, dir)),
  ]);
  const memoryLimit = minimum([
    v2 === null ? null : tightest(v2, (dir) => readMemoryLimit(root, path.posix.join(dir, 'memory.max'))),
    memoryV1 === null ? null : tightest(memoryV1, (dir) => readMemoryLimit(root, path.posix.join(dir, 'memory.limit_in_bytes'))),
  ]);
  return { cpuQuota, memoryLimit };
}

/** Parses /proc/self/cgroup: "hierarchy-id:controller,list:/path" per line. */
export function parseProcCgroup(text: string): CgroupMembership[] {
  const memberships: CgroupMembership[] = [];
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (match === null) continue;
    const controllers = match[1] === '' ? [] : match[1]!.split(',');
    memberships.push({ controllers, path: match[2]! });
  }
  return memberships;
}

/** Parses the cgroup lines of /proc/self/mountinfo (see proc(5) for the field layout). */
export function parseMountInfo(text: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of text.split('\n')) {
    const [before, after] = line.split(' - ');
    if (before === undefined || after === undefined) continue;
    const fields = before.split(' ');
    const [fsType, , superOptions = ''] = after.split(' ');
    const root = fields[3];
    const mountPoint = fields[4];
    if (root === undefined || mountPoint === undefined) continue;
    if (fsType === 'cgroup2') {
      mounts.push({ version: 2, root: unescapeMountField(root), mountPoint: unescapeMountField(mountPoint), controllers: [] });
    } else if (fsType === 'cgroup') {
      mounts.push({ version: 1, root: unescapeMountField(root), mountPoint: unescapeMountField(mountPoint), controllers: superOptions.split(',') });
    }
  }
  return mounts;
}

// mountinfo writes space, tab, newline and backslash in paths as octal escapes (\040 ...).
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** The directories to read, from our own cgroup up to the top of the mounted hierarchy. */
interface CgroupLocation {
  mountPoint: string;
  leaf: string;
}

function resolveV2(memberships: CgroupMembership[], mounts: CgroupMount[]): CgroupLocation | null {
  const membership = memberships.find((entry) => entry.controllers.length === 0);
  if (membership === undefined) return null;
  // Without mountinfo (some sandboxes hide it), cgroup v2 lives at its conventional place.
  const mount = mounts.find((entry) => entry.version === 2) ?? { root: '/', mountPoint: '/sys/fs/cgroup' };
  return locate(membership.path, mount.root, mount.mountPoint);
}

function resolveV1(memberships: CgroupMembership[], mounts: CgroupMount[], controller: string): CgroupLocation | null {
  const membership = memberships.find((entry) => entry.controllers.includes(controller));
  if (membership === undefined) return null;
  const mount = mounts.find((entry) => entry.version === 1 && entry.controllers.includes(controller)) ??
    { root: '/', mountPoint: `/sys/fs/cgroup/${membership.controllers.join(',')}` };
  return locate(membership.path, mount.root, mount.mountPoint);
}

function locate(cgroupPath: string, mountRoot: string, mountPoint: string): CgroupLocation {
  const relative = path.posix.relative(mountRoot, cgroupPath);
  // A cgroup outside the mounted part of the hierarchy: only the mount point itself is visible.
  const inside = relative !== '' && !relative.startsWith('..') && !path.posix.isAbsolute(relative);
  return { mountPoint, leaf: inside ? path.posix.join(mountPoint, relative) : mountPoint };
}

/** The smallest value `read` finds from the leaf cgroup up to the mount point. */
function tightest(location: CgroupLocation, read: (dir: string) => number | null): number | null {
  const values = [read(location.leaf)];
  for (let dir = location.leaf; dir !== location.mountPoint && dir !== '/'; ) {
    dir = path.posix.dirname(dir);
    values.push(read(dir));
  }
  return minimum(values);
}

function minimum(values: Array<number | null>): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length === 0 ? null : Math.min(...known);
}

/** cgroup v2 cpu.max: "max 100000" (no limit) or "150000 100000" (1.5 CPUs). */
function readCpuMax(root: string, dir: string): number | null {
  const text = readSystemFile(root, path.posix.join(dir, 'cpu.max'));
  if (text === null) return null;
  const [quota, period] = text.trim().split(/\s+/);
  return quotaInCpus(quota, period ?? '100000');
}

/** cgroup v1: cpu.cfs_quota_us is -1 when there is no limit. */
function readCfsQuota(root: string, dir: string): number | null {
  const quota = readSystemFile(root, path.posix.join(dir, 'cpu.cfs_quota_us'));
  const period = readSystemFile(root, path.posix.join(dir, 'cpu.cfs_period_us'));
  if (quota === null || period === null) return null;
  return quotaInCpus(quota.trim(), period.trim());
}

function quotaInCpus(quota: string | undefined, period: string): number | null {
  if (quota === undefined || quota === 'max') return null;
  const quotaMicros = Number(quota);
  const periodMicros = Number(period);
  if (!(quotaMicros > 0) || !(periodMicros > 0)) return null;
  return quotaMicros / periodMicros;
}

function readMemoryLimit(root: string, file: string): number | null {
  const text = readSystemFile(root, file);
  if (text === null) return null;
  const value = text.trim();
  if (value === 'max' || !/^\d+$/.test(value)) return null;
  const bytes = Number(value);
  return bytes >= UNLIMITED_MEMORY ? null : bytes;
}
