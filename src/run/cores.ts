import os from 'node:os';

/**
 * The number of cores jobs may use: the default for `-j` and the base of `-j N%`, `-j +N`, `-j -N`.
 * One place to change when src/tools/sysinfo.ts provides a cgroup-aware count.
 */
export function usableCores(): number {
  return os.availableParallelism();
}
