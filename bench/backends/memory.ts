/** Memory figures from the Linux process table: RSS and PSS (proportional set size) of a process. */
import { readdirSync, readFileSync } from 'node:fs';

export interface MemoryFigures {
  rssKiB: number;
  pssKiB: number;
}

/** RSS and PSS of a process from /proc/<pid>/smaps_rollup. */
export function memoryOf(pid: number | 'self'): MemoryFigures {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? Number.NaN);
  return { rssKiB: field('Rss'), pssKiB: field('Pss') };
}

/** The pids of this process's children. */
export function childPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) pids.push(Number(entry));
    } catch {
      // The process ended while we listed them: it is not a live child.
    }
  }
  return pids;
}
