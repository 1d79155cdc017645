/**
 * `--joblog FILE` in GNU parallel's tab-separated format, and reading it back for `--resume`
 * (skip every job already logged) and `--resume-failed` (skip only the jobs that succeeded).
 */
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { RunUsageError } from './errors.js';

const header = 'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n';

/** One finished job, as logged. */
export interface JobRecord {
  seq: number;
  startMs: number;
  runtimeMs: number;
  received: number;
  exitCode: number;
  signal: number;
  command: string;
}

export function formatJoblogLine(record: JobRecord): string {
  const start = (record.startMs / 1000).toFixed(3);
  const runtime = (record.runtimeMs / 1000).toFixed(3).padStart(10);
  // One line per job even when a value holds a newline: GNU parallel logs it as a NUL byte.
  const command = record.command.replaceAll('\n', '\0');
  return `${record.seq}\t:\t${start}\t${runtime}\t0\t${record.received}\t${record.exitCode}\t${record.signal}\t${command}\n`;
}

/** Appends a line per finished job; lines are written synchronously so a crash loses none. */
export class JoblogWriter {
  private readonly fd: number;

  /** `append` keeps an existing log (for --resume); otherwise the file is replaced. */
  constructor(path: string, append: boolean) {
    try {
      const hasContent = append && existsSync(path) && statSync(path).size > 0;
      this.fd = openSync(path, append ? 'a' : 'w');
      if (!hasContent) writeSync(this.fd, header);
    } catch (error) {
      throw new RunUsageError(`cannot write --joblog file '${path}': ${(error as Error).message}`);
    }
  }

  write(record: JobRecord): void {
    writeSync(this.fd, formatJoblogLine(record));
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * The sequence numbers that a resumed run must not run again: every logged job for --resume,
 * only the ones that succeeded (exit 0, no signal) for --resume-failed.
 */
export function completedSeqs(path: string, mode: 'all' | 'failed'): Set<number> {
  const done = new Set<number>();
  if (!existsSync(path)) return done;
  const lines = readFileSync(path, 'utf8').split('\n');
  for (const line of lines.slice(1)) {
    const fields = line.split('\t');
    if (fields.length < 9) continue;
    const seq = Number(fields[0]);
    if (!Number.isInteger(seq)) continue;
    const succeeded = fields[6] === '0' && fields[7] === '0';
    if (mode === 'all' || succeeded) done.add(seq);
  }
  return done;
}
