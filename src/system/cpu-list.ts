/**
 * Parses the kernel's CPU list format, used by /proc/self/status (Cpus_allowed_list),
 * /sys/devices/system/cpu/online and cpuset files: "0-3,8,10-11" means CPUs 0,1,2,3,8,10,11.
 */

/** Returns the CPU numbers of a list such as "0-3,8", or `null` if the text is not a CPU list. */
export function parseCpuList(text: string): number[] | null {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const cpus = new Set<number>();
  for (const part of trimmed.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (match === null) return null;
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first) return null;
    for (let cpu = first; cpu <= last; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}
