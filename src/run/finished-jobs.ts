/**
 * What is known of the finished jobs: the counts that --halt and the exit status read, the
 * runtimes --timeout N% reads, and the joblog lines, each written only once the job's output is
 * (as GNU parallel does).
 */
import { JoblogWriter, type JobRecord } from './joblog.js';
import type { Tally } from './halt.js';

export class FinishedJobs {
  readonly tally: Tally = { completed: 0, failed: 0 };
  readonly successfulRuntimesMs: number[] = [];
  readonly #joblog: JoblogWriter | undefined;
  /** Finished jobs' joblog lines, waiting for their output to be written. */
  readonly #held = new Map<number, JobRecord>();

  constructor(joblog: { path: string; append: boolean } | undefined) {
    this.#joblog = joblog === undefined ? undefined : new JoblogWriter(joblog.path, joblog.append);
  }

  /** Counts a job that ran to its end (a failure is an exit status or a signal). */
  add(record: JobRecord, failed: boolean): void {
    this.#held.set(record.seq, record);
    this.tally.completed++;
    if (failed) this.tally.failed++;
    else this.successfulRuntimesMs.push(record.runtimeMs);
  }

  /** The output calls this once a job's output is written: its joblog line follows. */
  printed(seq: number): void {
    const record = this.#held.get(seq);
    if (record === undefined) return; // skipped by --resume, or killed: not logged
    this.#held.delete(seq);
    this.#joblog?.write(record);
  }

  close(): void {
    this.#joblog?.close();
  }
}
