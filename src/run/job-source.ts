/**
 * The jobs of a run, in order: argument records batched into jobs, --pipe's blocks of stdin, or
 * --retry-failed's logged commands. Read in full first when something needs their number or a
 * shuffled order.
 */
import { batchRecords } from './batching.js';
import type { Arguments } from './inputs.js';
import { readJoblog } from './joblog.js';
import type { RunOptions } from './options.js';
import { pipeBlocks } from './pipe.js';

/** One job to run: its records (for the command template), or a ready command, or a stdin block. */
export interface JobInput {
  seq: number;
  records: string[][];
  /** --retry-failed: the command as logged. */
  command?: string;
  /** --pipe: the job's stdin. */
  block?: Buffer;
}

export interface JobSource {
  jobs: AsyncIterator<JobInput> | Iterator<JobInput>;
  /** The number of jobs, when they were read in full first. */
  total: number | undefined;
}

/** The jobs; read in full when `needsTotal`, and then shuffled for --shuf. */
export async function openJobSource(options: RunOptions, args: Arguments | undefined, needsTotal: boolean): Promise<JobSource> {
  const jobs = readJobs(options, args);
  if (!needsTotal) return { jobs, total: undefined };
  const all: JobInput[] = [];
  for await (const job of jobs) all.push(job);
  // --shuf runs the jobs in random order; each keeps its number.
  if (options.shuffle) shuffle(all);
  return { jobs: all[Symbol.iterator](), total: all.length };
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

async function* readJobs(options: RunOptions, args: Arguments | undefined): AsyncGenerator<JobInput> {
  if (options.pipe !== undefined) {
    const records = options.batching.kind === 'count' ? options.batching.records : undefined;
    let seq = 0;
    for await (const block of pipeBlocks(process.stdin, options.pipe, records, options.header)) yield { seq: ++seq, records: [], block };
    return;
  }
  if (options.retryFailed) {
    const logged = readJoblog(options.joblog!.path);
    const last = Math.max(0, ...logged.keys());
    for (let seq = 1; seq <= last; seq++) {
      const job = logged.get(seq);
      yield job?.failed === true ? { seq, records: [], command: job.command } : { seq, records: [] };
    }
    return;
  }
  const commandBytes = options.command.reduce((sum, word) => sum + word.length + 1, 0);
  let seq = 0;
  for await (const records of batchRecords(args!.tuples, options.batching, options.jobs, commandBytes)) {
    yield { seq: ++seq, records };
  }
}
