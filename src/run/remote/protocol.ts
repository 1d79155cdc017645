/**
 * What `multicore run --redis` and `multicore worker --shell` exchange through BullMQ: a job
 * is a command line (bytes, base64) with its number, slot and --pipe block; its result is the
 * job's stdout, stderr and how it ended. Both sides validate what they read.
 */
export interface ShellJobData {
  seq: number;
  slot: number;
  /** The command line's bytes, base64. */
  command: string;
  /** --pipe's block for the job's stdin, base64; null for /dev/null. */
  stdin: string | null;
}

export interface ShellJobResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The worker that ran it: its host name and pid. */
  host: string;
}

/** Lock timings short enough that a job whose worker died (kill -9) runs elsewhere within seconds. */
export const lockTimings = { lockDuration: 4000, stalledInterval: 1000, maxStalledCount: 1000 } as const;

export const defaultQueue = 'multicore-run';

export function parseJobData(data: unknown): ShellJobData {
  const job = data as Partial<ShellJobData> | null;
  if (job === null || typeof job !== 'object' || typeof job.command !== 'string' || typeof job.seq !== 'number' || typeof job.slot !== 'number') {
    throw new TypeError('not a multicore run job: expected { seq, slot, command, stdin }');
  }
  return { seq: job.seq, slot: job.slot, command: job.command, stdin: typeof job.stdin === 'string' ? job.stdin : null };
}

export function parseJobResult(value: unknown): ShellJobResult {
  const result = (typeof value === 'string' ? JSON.parse(value) : value) as Partial<ShellJobResult> | null;
  if (result === null || typeof result !== 'object' || typeof result.stdout !== 'string' || typeof result.stderr !== 'string') {
    throw new TypeError('not a multicore run job result: expected { stdout, stderr, code, signal, host }');
  }
  return {
    stdout: result.stdout, stderr: result.stderr, code: typeof result.code === 'number' ? result.code : null,
    signal: typeof result.signal === 'string' ? result.signal : null, host: typeof result.host === 'string' ? result.host : '?',
  };
}
