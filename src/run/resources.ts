/**
 * `--load MAX` and `--memfree SIZE`: a job starts only while fewer than MAX processes are
 * running on the machine (GNU parallel's measure of load: processes in state R) and at least
 * SIZE bytes of memory are available. Under half of SIZE, the youngest job is killed and run
 * again later.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** Processes running (state R) on the machine, from /proc; the load average elsewhere. */
export function runningProcesses(): number {
  try {
    let running = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
        if (stat[stat.lastIndexOf(')') + 2] === 'R') running++;
      } catch {
        // The process ended while we looked: it is not running.
      }
    }
    // This reading itself is one running process.
    return Math.max(0, running - 1);
  } catch {
    return os.loadavg()[0]!;
  }
}

/** MemAvailable from /proc/meminfo in bytes; os.freemem() elsewhere. */
export function availableMemory(): number {
  try {
    const match = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (match !== null) return Number(match[1]) * 1024;
  } catch {
    // No /proc: fall through to what Node can tell.
  }
  return os.freemem();
}

export interface ResourceLimits {
  maxLoad: number | undefined;
  memfreeBytes: number | undefined;
}

/** Whether another job may start now. */
export function mayStart(limits: ResourceLimits): boolean {
  if (limits.memfreeBytes !== undefined && availableMemory() < limits.memfreeBytes) return false;
  if (limits.maxLoad !== undefined && runningProcesses() >= limits.maxLoad) return false;
  return true;
}

/** Whether memory is so short (under half of --memfree) that the youngest job must go. */
export function memoryCritical(limits: ResourceLimits): boolean {
  return limits.memfreeBytes !== undefined && availableMemory() < limits.memfreeBytes / 2;
}
