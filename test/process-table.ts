/**
 * The OS process table as the tests read it (Linux: /proc/<pid>/stat): one reader for the helpers
 * that look for processes left behind, by parent (test/helpers.ts) or by process group.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessEntry {
  pid: number;
  /** The short command name (`comm`), at most 15 characters. */
  comm: string;
  /** R, S, D, Z (zombie), T, ... */
  state: string;
  ppid: number;
  pgrp: number;
}

/** Every process in /proc now; one that ends while they are listed is left out. */
export function processTable(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ESRCH') continue; // it ended while we listed them
      throw error;
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ')'.
    const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    entries.push({ pid: Number(entry), comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), state: state!, ppid: Number(ppid), pgrp: Number(pgrp) });
  }
  return entries;
}
