/**
 * How much machine this process really has: cores, memory and disk, with the limits that
 * containers add (CPU affinity, cgroup CPU quota and memory limit). Linux is read from /proc and
 * /sys; elsewhere the values come from `node:os` and the ones `os` cannot tell are `null`.
 */
import type { CpuInfo } from 'node:os';
import { describe } from '../errors/describe.js';
import { readCgroupLimits } from './cgroup.js';
import { readAffinity, readCpuModel, readOnlineCpus, readPhysicalCores } from './cpu-topology.js';
import { readDisk, type DiskInfo } from './disk.js';
import { currentRuntime, type RuntimeInfo } from './js-runtime.js';
import { readMeminfo } from './meminfo.js';
import { askSystem } from './read-system-file.js';

/** node:os, loaded on first use: a program that names its worker count never needs it. */
const os = () => process.getBuiltinModule('node:os');

/** Where to read /proc and /sys from; tests point `root` at a fixture tree. */
export interface SysinfoOptions {
  /** Directory that stands for "/" when reading /proc and /sys. Default: "/". */
  root?: string;
  /** Path whose file system `disk` describes. Default: the current directory. */
  path?: string;
}

/** The cores of this machine and how many of them this process may use. */
export interface CoresInfo {
  /** Online logical CPUs (hardware threads). */
  logical: number;
  /** Physical cores, from the CPU topology; `null` when the system does not say. */
  physical: number | null;
  /** What a pool should use: the minimum of the limits below, at least 1. */
  usable: number;
  /** How many CPUs this process may run on (its affinity mask); `null` when unknown. */
  affinity: number | null;
  /** The cgroup CPU quota in CPUs (may be fractional, e.g. 1.5); `null` when there is none. */
  cgroupQuota: number | null;
  model: string | null;
}

/** Memory in bytes; `null` when the runtime may not read it (Deno without --allow-read/--allow-sys). */
export interface MemoryInfo {
  total: number | null;
  /** Memory that can be used without swapping (MemAvailable on Linux). */
  available: number | null;
  /** The cgroup memory limit; `null` when there is none. */
  cgroupLimit: number | null;
}

/** Everything `multicore info` prints; bytes are numbers and unknown values are `null`. */
export interface SysInfo {
  cores: CoresInfo;
  memory: MemoryInfo;
  disk: DiskInfo;
  platform: NodeJS.Platform;
  arch: string;
  /** The Node.js version the runtime reports, e.g. "v20.11.1" (an emulated one on Bun and Deno). */
  node: string;
  /** The runtime that really runs: Node, Bun or Deno, and its own version. */
  runtime: RuntimeInfo;
}

export type { DiskInfo, RuntimeInfo };

/**
 * How many workers a pool should run on this machine: the smallest of the CPUs Node may use
 * (`os.availableParallelism()`), the CPUs in this process's affinity mask, and the cgroup CPU
 * quota rounded up; never less than 1. This is the Pool's default worker count.
 *
 * @example
 * ```ts
 * import { usableCores } from 'multicore';
 * console.log(`a pool here runs ${usableCores()} workers`);
 * ```
 */
export function usableCores(options: { root?: string } = {}): number {
  const root = validateRoot(options);
  return readCores(root, readCgroupLimits(root).cpuQuota).usable;
}

/**
 * Describes this machine: cores (logical, physical, usable, affinity, cgroup quota, model),
 * memory (total, available, cgroup limit) and the disk that holds `options.path`.
 *
 * @example
 * ```ts
 * import { sysinfo } from 'multicore';
 * const { cores, memory } = sysinfo();
 * console.log(`${cores.usable} usable cores, ${(memory.available / 2 ** 30).toFixed(1)} GiB free`);
 * ```
 */
export function sysinfo(options: SysinfoOptions = {}): SysInfo {
  const root = validateRoot(options);
  if (options.path !== undefined && typeof options.path !== 'string') {
    throw new TypeError(`sysinfo(): options.path must be a string (a file or directory), got ${typeof options.path}.`);
  }
  const meminfo = readMeminfo(root);
  const cgroup = readCgroupLimits(root);
  return {
    cores: readCores(root, cgroup.cpuQuota),
    memory: {
      total: meminfo.total ?? askSystem(() => os().totalmem()),
      available: meminfo.available ?? askSystem(() => os().freemem()),
      cgroupLimit: cgroup.memoryLimit,
    },
    disk: readDisk(options.path ?? process.cwd()),
    platform: process.platform,
    arch: process.arch,
    node: process.version,
    runtime: currentRuntime(),
  };
}

function readCores(root: string, cpuQuota: number | null): CoresInfo {
  const online = readOnlineCpus(root);
  const logical = online !== null && online.length > 0 ? online.length : Math.max(osCpus().length || os().availableParallelism(), 1);
  const affinity = readAffinity(root);
  const limits = [logical, os().availableParallelism()];
  if (affinity !== null) limits.push(affinity);
  if (cpuQuota !== null) limits.push(Math.ceil(cpuQuota));
  return {
    logical,
    physical: readPhysicalCores(root, online),
    usable: Math.max(1, Math.min(...limits)),
    affinity,
    cgroupQuota: cpuQuota,
    model: readCpuModel(root) ?? (osCpus()[0]?.model.trim() || null),
  };
}

/** Deno without --allow-sys refuses os.cpus(); availableParallelism() it always answers. */
function osCpus(): CpuInfo[] {
  return askSystem(() => os().cpus()) ?? [];
}

function validateRoot(options: { root?: string }): string {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected an options object, got ${describe(options)}.`);
  }
  if (options.root === undefined) return '/';
  if (typeof options.root !== 'string' || options.root === '') {
    throw new TypeError(`options.root must be a non-empty string (a directory standing for "/"), got ${JSON.stringify(options.root)}.`);
  }
  return options.root;
}
