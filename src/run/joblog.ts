/**
 * `--joblog FILE` in GNU parallel's tab-separated format (`+FILE` appends, `-` is stdout), and
 * reading it back for `--resume` (skip every job already logged), `--resume-failed` (skip only
 * the jobs that succeeded) and `--retry-failed` (rerun the failed jobs' logged commands).
 */
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { RunUsageError } from './errors.js';
import { writeOutput } from './output/streams.js';

const header = 'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n';

/** One finished job, as logged. */
export interface JobRecord {
  seq: number;
  /** Wall-clock time the job started, in milliseconds since the epoch (the Starttime column). */
  startEpochMs: number;
  runtimeMs: number;
  sent: number;
  received: number;
  exitCode: number;
  signal: number;
  /** The command line as a byte string. */
  command: string;
}

export function formatJoblogLine(record: JobRecord): string {
  const start = (record.startEpochMs / 1000).toFixed(3);
  const runtime = (record.runtimeMs / 1000).toFixed(3).padStart(10);
  // One line per job even when a value holds a newline: GNU parallel logs it as a NUL byte.
  const command = record.command.replaceAll('\n', '\0');
  return `${record.seq}\t:\t${start}\t${runtime}\t${record.sent}\t${record.received}\t${record.exitCode}\t${record.signal}\t${command}\n`;
}

/** Writes a line per finished job; lines are written synchronously so a crash loses none. */
export class JoblogWriter {
  readonly #fd: number | undefined;

  /** `append` keeps an existing log (`+FILE`, --resume); otherwise the file is replaced. */
  constructor(path: string, append: boolean) {
    if (path === '-') {
      this.#fd = undefined;
      writeOutput('stdout', Buffer.from(header));
      return;
    }
    try {
      const hasContent = append && existsSync(path) && statSync(path).size > 0;
      this.#fd = openSync(path, append ? 'a' : 'w');
      if (!hasContent) writeSync(this.#fd, header);
    } catch (error) {
      throw new RunUsageError(`cannot write --joblog file '${path}': ${(error as Error).message}`);
    }
  }

  write(record: JobRecord): void {
    const line = Buffer.from(formatJoblogLine(record), 'latin1');
    if (this.#fd === undefined) writeOutput('stdout', line);
    else writeSync(this.#fd, line);
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
  }
}

/** The logged jobs by sequence number (a later line for the same job wins). */
export function readJoblog(path: string): Map<number, { failed: boolean; command: string }> {
  const jobs = new Map<number, { failed: boolean; command: string }>();
  if (!existsSync(path)) return jobs;
  const lines = readFileSync(path, 'latin1').split('\n');
  for (const line of lines.slice(1)) {
    const fields = line.split('\t');
    if (fields.length < 9) continue;
    const seq = Number(fields[0]);
    if (!Number.isInteger(seq)) continue;
    const failed = fields[6] !== '0' || fields[7] !== '0';
    jobs.set(seq, { failed, command: fields.slice(8).join('\t').replaceAll('\0', '\n') });
  }
  return jobs;
}

/**
 * The sequence numbers that a resumed run must not run again: every logged job for --resume,
 * only the ones that succeeded (exit 0, no signal) for --resume-failed.
 */
export function completedSeqs(path: string, mode: 'all' | 'failed'): Set<number> {
  const done = new Set<number>();
  for (const [seq, job] of readJoblog(path)) if (mode === 'all' || !job.failed) done.add(seq);
  return done;
}
