/**
 * Starting one job: `$PARALLEL_SHELL -c command` (default /bin/sh) in a process group of its
 * own, so that stopping the job stops everything it started too.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** The shell that runs the command lines; GNU parallel's PARALLEL_SHELL overrides it. */
export function jobShell(): string {
  const configured = process.env.PARALLEL_SHELL;
  return configured === undefined || configured === '' ? '/bin/sh' : configured;
}

export interface SpawnedJob {
  command: string;
  seq: number;
  slot: number;
  stdio: 'pipe' | 'inherit';
}

// Copied once: reading process.env goes through a slow accessor for every variable.
const baseEnv = { ...process.env };

/** Starts a job. Its stdin is /dev/null, as with GNU parallel. */
export function spawnJob(shell: string, job: SpawnedJob): ChildProcess {
  return spawn(shell, ['-c', job.command], {
    detached: true,
    stdio: ['ignore', job.stdio, job.stdio],
    env: { ...baseEnv, PARALLEL_SEQ: String(job.seq), PARALLEL_JOBSLOT: String(job.slot) },
  });
}

/**
 * Sends a signal to a job's whole process group. A group that is already gone is fine: the job
 * ended between our decision and the signal.
 */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
