/**
 * The jobs the runner is to start, in order: jobs --memfree stopped come first again, then the
 * input's next, once --load and --memfree allow a start. Jobs that are not to run (done already
 * by the joblog a --resume reads, or without a failed command to retry) are skipped here, so
 * that both scheduling loops of runner.ts see only jobs to start.
 */
import type { Arguments } from './inputs.js';
import { openJobSource, type JobInput, type JobSource } from './job-source.js';
import { completedSeqs } from './joblog.js';
import type { RunOptions } from './options.js';
import type { ResourceGate } from './resource-gate.js';
import { stopped, type StopSignal } from './stop-signal.js';

export interface FeedEvents {
  /** A job that is not to run: the output counts it as done. */
  skipped(seq: number): void;
  /** --memfree found memory critical: stop the youngest running job (it comes back through requeue). */
  memoryCritical(): void;
}

export class JobFeed {
  readonly #options: RunOptions;
  readonly #gate: ResourceGate;
  readonly #stop: StopSignal;
  readonly #events: FeedEvents;
  /** Jobs a --resume finds in the joblog already. */
  readonly #skip: Set<number>;
  /** Jobs --memfree stopped, to run again before any new one. */
  readonly #requeued: JobInput[] = [];
  #source: JobSource | undefined;
  #exhausted = false;

  constructor(options: RunOptions, gate: ResourceGate, stop: StopSignal, events: FeedEvents) {
    this.#options = options;
    this.#gate = gate;
    this.#stop = stop;
    this.#events = events;
    const { joblog } = options;
    this.#skip = joblog !== undefined && options.resume !== 'no' ? completedSeqs(joblog.path, options.resume) : new Set();
  }

  /**
   * Opens the input, read in full first when the number of jobs is needed: by --halt with a
   * percentage, the progress bar or ETA, --shuf, or the command line (`templateNeedsTotal`: {##}).
   */
  async open(args: Arguments | undefined, templateNeedsTotal: boolean): Promise<void> {
    const { halt, progress, shuffle } = this.#options;
    const needsTotal = halt?.percent === true || progress === 'bar' || progress === 'eta' || shuffle || templateNeedsTotal;
    this.#source = await openJobSource(this.#options, args, needsTotal);
  }

  /** How many jobs the input holds, when it was read in full first. */
  get total(): number | undefined {
    return this.#source?.total;
  }

  /** Nothing more will come: the input has ended and no stopped job waits to run again. */
  get ended(): boolean {
    return this.#exhausted && this.#requeued.length === 0;
  }

  /** Runs `input` again before any new job (a job --memfree stopped). */
  requeue(input: JobInput): void {
    this.#requeued.push(input);
  }

  /** The next job to start once --load and --memfree allow; undefined at the end or on a stop. */
  async next(): Promise<JobInput | undefined> {
    for (;;) {
      if (!(await this.#gate.allowStart(() => this.#events.memoryCritical()))) return undefined;
      const input = this.#requeued.shift() ?? (await this.#fromSource());
      if (input === undefined) return undefined;
      if (!this.#skip.has(input.seq) && !(input.command === undefined && this.#options.retryFailed)) return input;
      this.#events.skipped(input.seq);
    }
  }

  async #fromSource(): Promise<JobInput | undefined> {
    if (this.#exhausted) return undefined;
    // Input may never end (`tail -f log | multicore run ...`): a stop must not wait for it.
    const next = await this.#stop.unlessStopped(Promise.resolve(this.#source!.jobs.next()));
    if (next === stopped) return undefined;
    if (next.done === true) {
      this.#exhausted = true;
      return undefined;
    }
    return next.value;
  }
}
