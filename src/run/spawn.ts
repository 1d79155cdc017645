/**
 * Starting one job: `$PARALLEL_SHELL -c command` (default /bin/sh) in a process group of its
 * own, so that stopping the job stops everything it started too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { isUtf8 } from 'node:buffer';

/** The shell that runs the command lines; GNU parallel's PARALLEL_SHELL overrides it. */
export function jobShell(): string {
  const configured = process.env.PARALLEL_SHELL;
  return configured === undefined || configured === '' ? '/bin/sh' : configured;
}

export interface SpawnedJob {
  /** The command line as a byte string (one character per byte). */
  command: string;
  seq: number;
  slot: number;
  stdio: 'pipe' | 'inherit';
  /** `pipe` for --pipe, which feeds the job a block of our stdin. */
  stdin: 'ignore' | 'pipe';
  cwd: string | undefined;
}

// Copied once: reading process.env goes through a slow accessor for every variable.
const baseEnv = { ...process.env, PARALLEL_PID: String(process.pid) };

/**
 * The script to give the shell. Node passes arguments as UTF-8 text, so a command line with
 * bytes that are not UTF-8 (a file named `caf\xe9`) is sent as ASCII that rebuilds those bytes
 * with printf (octal escapes) and runs them with eval: the shell sees the very same bytes.
 */
export function shellScript(command: string): string {
  const bytes = Buffer.from(command, 'latin1');
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let escaped = '';
  for (const byte of bytes) {
    escaped += (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x20
      ? String.fromCharCode(byte)
      : `\\${byte.toString(8).padStart(3, '0')}`;
  }
  // The trailing x keeps the newlines at the end, which $(...) would strip.
  return `multicore_run_command=$(printf '${escaped}x'); eval "\${multicore_run_command%x}"`;
}

/** Starts a job. Its stdin is /dev/null, as with GNU parallel, or a pipe with --pipe. */
export function spawnJob(shell: string, job: SpawnedJob): ChildProcess {
  return spawn(shell, ['-c', shellScript(job.command)], {
    detached: true,
    cwd: job.cwd,
    stdio: [job.stdin, job.stdio, job.stdio],
    env: { ...baseEnv, PARALLEL_SEQ: String(job.seq), PARALLEL_JOBSLOT: String(job.slot) },
  });
}

/**
 * Sends a signal to a job's whole process group. A group that is already gone is fine: the job
 * ended between our decision and the signal. Returns whether the group still existed.
 */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals | 0): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    return false;
  }
}
