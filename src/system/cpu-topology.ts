/**
 * What Linux says about the CPUs: how many are online, how many physical cores and sockets they
 * form, their model, and which of them this process may run on. Each reader returns `null` when the files
 * are missing (other systems, or a sandbox that hides them); sysinfo() then falls back to `os`.
 */
import { readSystemFile } from './read-system-file.js';
import { parseCpuList } from './cpu-list.js';

/** Online logical CPUs from /sys/devices/system/cpu/online. */
export function readOnlineCpus(root: string): number[] | null {
  const text = readSystemFile(root, '/sys/devices/system/cpu/online');
  return text === null ? null : parseCpuList(text);
}

/** Number of CPUs this process may run on, from Cpus_allowed_list in /proc/self/status. */
export function readAffinity(root: string): number | null {
  const status = readSystemFile(root, '/proc/self/status');
  const line = status?.split('\n').find((entry) => entry.startsWith('Cpus_allowed_list:'));
  if (line === undefined) return null;
  const cpus = parseCpuList(line.slice('Cpus_allowed_list:'.length));
  return cpus === null || cpus.length === 0 ? null : cpus.length;
}

/**
 * Physical cores: distinct (package, core) pairs among the online CPUs, from the sysfs topology,
 * or else from the "physical id" and "core id" fields of /proc/cpuinfo.
 */
export function readPhysicalCores(root: string, onlineCpus: number[] | null): number | null {
  if (onlineCpus !== null && onlineCpus.length > 0) {
    const cores = new Set<string>();
    for (const cpu of onlineCpus) {
      const dir = `/sys/devices/system/cpu/cpu${cpu}/topology`;
      const packageId = readSystemFile(root, `${dir}/physical_package_id`);
      const coreId = readSystemFile(root, `${dir}/core_id`);
      if (packageId === null || coreId === null) break;
      cores.add(`${packageId.trim()}:${coreId.trim()}`);
    }
    if (cores.size > 0) return cores.size;
  }
  return physicalCoresFromCpuinfo(readSystemFile(root, '/proc/cpuinfo'));
}

function physicalCoresFromCpuinfo(cpuinfo: string | null): number | null {
  if (cpuinfo === null) return null;
  const cores = new Set<string>();
  for (const block of cpuinfo.split(/\n\s*\n/)) {
    const packageId = field(block, 'physical id');
    const coreId = field(block, 'core id');
    if (packageId !== null && coreId !== null) cores.add(`${packageId}:${coreId}`);
  }
  return cores.size > 0 ? cores.size : null;
}

/** CPU sockets (packages): the distinct "physical id" fields of /proc/cpuinfo. */
export function readCpuSockets(root: string): number | null {
  const cpuinfo = readSystemFile(root, '/proc/cpuinfo');
  if (cpuinfo === null) return null;
  const packages = new Set(cpuinfo.split(/\n\s*\n/).map((block) => field(block, 'physical id')).filter((id) => id !== null));
  return packages.size > 0 ? packages.size : null;
}

/** The CPU model name from /proc/cpuinfo ("model name" on x86, "Model" or "Hardware" on ARM). */
export function readCpuModel(root: string): string | null {
  const cpuinfo = readSystemFile(root, '/proc/cpuinfo');
  if (cpuinfo === null) return null;
  for (const name of ['model name', 'cpu model', 'Model', 'Hardware']) {
    const value = field(cpuinfo, name);
    if (value !== null && value !== '') return value;
  }
  return null;
}

function field(text: string, name: string): string | null {
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon !== -1 && line.slice(0, colon).trim() === name) return line.slice(colon + 1).trim();
  }
  return null;
}
