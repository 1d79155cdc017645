/**
 * The scheduler: reads argument tuples, renders each job's command line, keeps up to `jobs`
 * of them running (each in a numbered slot), retries, times out and halts them as asked, and
 * reports each finished job to the output, the joblog and the progress line.
 */
import type { ChildProcess } from 'node:child_process';
import { checkHalt, finalStatus, type Tally } from './halt.js';
import { argumentTuples } from './inputs.js';
import { completedSeqs, JoblogWriter } from './joblog.js';
import type { RunOptions } from './options.js';
import { createOutput, type Output } from './output.js';
import { ProgressLine } from './progress.js';
import { jobShell, signalGroup, spawnJob } from './spawn.js';
import { CommandTemplate } from './template.js';
import { timeoutMs } from './timeout.js';
import { osSignalNumber } from './signals.js';
import { InOrder } from './in-order.js';
import type { JobRecord } from './joblog.js';

interface Job {
  seq: number;
  args: string[];
  command: string;
  slot: number;
  attempt: number;
  startMs: number;
  startedAt: number;
  received: number;
  child: ChildProcess;
  timer: NodeJS.Timeout | undefined;
  timedOut: boolean;
  /** Set once we sent its process group SIGTERM (timeout, --halt now, or a signal to us). */
  terminated: boolean;
}

const stopMarker = Symbol('stop');

/** Time after SIGTERM before a job's process group gets SIGKILL. */
const killGraceMs = 350;

export class JobRunner {
  private readonly template: CommandTemplate;
  private readonly output: Output;
  private readonly shell = jobShell();
  private readonly running = new Map<number, Job>();
  private readonly freeSlots: number[] = [];
  private readonly tally: Tally = { completed: 0, failed: 0 };
  private readonly successfulRuntimesMs: number[] = [];
  private readonly joblog: JoblogWriter | undefined;
  /** Under -k, joblog lines wait here until the earlier jobs are logged. */
  private readonly joblogOrder: InOrder | undefined;
  private readonly joblogHeld = new Map<number, JobRecord>();
  private readonly skip: Set<number>;
  private readonly progress: ProgressLine | undefined;
  private readonly startedAt = performance.now();
  private started = 0;
  private total: number | undefined;
  private nextSlot = 1;
  /** Set when the input is exhausted. */
  private exhausted = false;
  /** Set by --halt or a signal: start no new jobs and no retries. */
  private stopStarting = false;
  private haltStatus: number | undefined;
  private interruptedBy: NodeJS.Signals | undefined;
  private wake: (() => void) | undefined;
  /** Resolves when a signal or --halt stops the run, so that waiting for more input ends too. */
  private readonly stopped: Promise<typeof stopMarker>;
  private requestStop!: () => void;

  constructor(private readonly options: RunOptions) {
    this.stopped = new Promise((resolve) => {
      this.requestStop = () => resolve(stopMarker);
    });
    this.template = new CommandTemplate(options.command, options.quoteCommand);
    this.output = createOutput(options.output, options.keepOrder, options.tag);
    this.skip = options.joblog !== undefined && options.resume !== 'no' ? completedSeqs(options.joblog, options.resume) : new Set();
    this.joblog = options.joblog !== undefined && !options.dryRun ? new JoblogWriter(options.joblog, options.resume !== 'no') : undefined;
    this.joblogOrder = options.keepOrder ? new InOrder() : undefined;
    this.progress = options.progress === 'none' ? undefined : new ProgressLine(options.progress);
  }

  /** Runs every job and resolves with the exit status GNU parallel would give. */
  async run(): Promise<number> {
    try {
      const tuples = await this.tupleSource();
      let seq = 0;
      for (;;) {
        while (!this.exhausted && !this.stopStarting && this.running.size < this.options.jobs) {
          // Input may never end (`tail -f log | multicore run ...`): a stop must not wait for it.
          const next = await Promise.race([tuples.next(), this.stopped]);
          if (next === stopMarker) break;
          if (next.done === true) {
            this.exhausted = true;
            break;
          }
          seq++;
          if (this.skip.has(seq)) {
            this.output.finish(seq);
            this.joblogOrder?.release(seq, (released) => this.writeJoblog(released));
            continue;
          }
          this.startJob(seq, next.value, 1, this.takeSlot());
        }
        if (this.running.size === 0) break;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
      this.drawProgress(true);
      await this.output.flush();
    } finally {
      this.joblog?.close();
    }
    if (this.interruptedBy !== undefined) return 128 + osSignalNumber(this.interruptedBy);
    return this.haltStatus ?? finalStatus(this.options.halt, this.tally, this.started);
  }

  /**
   * Stops on a signal: no new jobs, and every running job's process group is terminated. run()
   * resolves once they have all exited.
   */
  interrupt(signal: NodeJS.Signals): void {
    this.interruptedBy ??= signal;
    this.stopStarting = true;
    this.requestStop();
    this.killAll();
  }

  /** Percentages (of --halt) and the --bar/--eta total need every job known before starting. */
  private async tupleSource(): Promise<AsyncIterator<string[]> | Iterator<string[]>> {
    const tuples = argumentTuples(this.options);
    const needsTotal = this.options.halt?.percent === true || this.options.progress === 'bar' || this.options.progress === 'eta';
    if (!needsTotal) return tuples;
    const all: string[][] = [];
    for await (const tuple of tuples) all.push(tuple);
    this.total = all.length;
    return all[Symbol.iterator]();
  }

  private takeSlot(): number {
    if (this.freeSlots.length === 0) return this.nextSlot++;
    // Lowest free slot first, so {%} stays within 1..jobs and is reused like GNU parallel's.
    let lowest = 0;
    for (let i = 1; i < this.freeSlots.length; i++) if (this.freeSlots[i]! < this.freeSlots[lowest]!) lowest = i;
    return this.freeSlots.splice(lowest, 1)[0]!;
  }

  private startJob(seq: number, args: string[], attempt: number, slot: number): void {
    const command = this.template.render({ args, seq, slot });
    if (this.options.dryRun) {
      // Printed through the output so that -k and --tag order and label it as a real run would.
      this.output.begin(seq, args.join(' '));
      this.output.data(seq, 'stdout', Buffer.from(`${command}\n`));
      this.output.finish(seq);
      this.freeSlots.push(slot);
      return;
    }
    if (attempt === 1) this.started++;
    this.output.begin(seq, args.join(' '));
    const child = spawnJob(this.shell, { command, seq, slot, stdio: this.output.stdio });
    const job: Job = {
      seq, args, command, slot, attempt, child,
      startMs: Date.now(), startedAt: performance.now(), received: 0, timer: undefined, timedOut: false, terminated: false,
    };
    this.running.set(seq, job);
    child.stdout?.on('data', (chunk: Buffer) => {
      job.received += chunk.length;
      this.output.data(seq, 'stdout', chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => this.output.data(seq, 'stderr', chunk));
    child.on('error', (error) => {
      this.output.data(seq, 'stderr', Buffer.from(`multicore run: cannot start ${this.shell}: ${error.message}\n`));
    });
    child.on('close', (code, signal) => this.jobEnded(job, code, signal));
    const limit = timeoutMs(this.options.timeout, this.successfulRuntimesMs);
    if (limit !== undefined) {
      job.timer = setTimeout(() => {
        job.timedOut = true;
        process.stderr.write(`multicore run: job ${seq} timed out after ${(limit / 1000).toFixed(3)}s and was killed: ${command}\n`);
        this.terminate(job);
      }, limit);
    }
    this.drawProgress(false);
  }

  private terminate(job: Job): void {
    job.terminated = true;
    signalGroup(job.child, 'SIGTERM');
    setTimeout(() => {
      if (this.running.get(job.seq) === job) signalGroup(job.child, 'SIGKILL');
    }, killGraceMs).unref();
  }

  private killAll(): void {
    for (const job of this.running.values()) this.terminate(job);
  }

  private jobEnded(job: Job, code: number | null, signal: NodeJS.Signals | null): void {
    clearTimeout(job.timer);
    this.running.delete(job.seq);
    // The job's shell is gone, but what it started may ignore SIGTERM and, with -u, hold no pipe
    // that would have kept the job open until the SIGKILL; stop those now rather than orphan them.
    if (job.terminated) signalGroup(job.child, 'SIGKILL');
    const runtimeMs = performance.now() - job.startedAt;
    // A job killed for its timeout is logged as GNU parallel logs it: exit -1, signal 15.
    const exitCode = job.timedOut ? -1 : code ?? 0;
    const signalNumber = job.timedOut ? 15 : signal === null ? 0 : osSignalNumber(signal);
    const failed = exitCode !== 0 || signalNumber !== 0;

    if (failed && job.attempt <= this.options.retries - 1 && !this.stopStarting) {
      this.output.discard(job.seq);
      this.startJob(job.seq, job.args, job.attempt + 1, job.slot);
      return;
    }
    this.freeSlots.push(job.slot);
    this.logJob({
      seq: job.seq, startMs: job.startMs, runtimeMs, received: job.received,
      exitCode, signal: signalNumber, command: job.command,
    });
    this.output.finish(job.seq);
    this.tally.completed++;
    if (failed) this.tally.failed++;
    else this.successfulRuntimesMs.push(runtimeMs);
    this.applyHalt(job, { failed, exitCode, signal: signalNumber });
    this.drawProgress(false);
    this.wake?.();
  }

  private logJob(record: JobRecord): void {
    if (this.joblog === undefined) return;
    if (this.joblogOrder === undefined) {
      this.joblog.write(record);
      return;
    }
    this.joblogHeld.set(record.seq, record);
    this.joblogOrder.release(record.seq, (seq) => this.writeJoblog(seq));
  }

  private writeJoblog(seq: number): void {
    const record = this.joblogHeld.get(seq);
    if (record === undefined) return; // skipped by --resume: already logged
    this.joblogHeld.delete(seq);
    this.joblog!.write(record);
  }

  private applyHalt(job: Job, outcome: { failed: boolean; exitCode: number; signal: number }): void {
    const policy = this.options.halt;
    if (policy === undefined || this.haltStatus !== undefined) return;
    const status = checkHalt(policy, outcome, this.tally, this.total ?? 0);
    if (status === undefined) return;
    this.haltStatus = status;
    this.stopStarting = true;
    this.requestStop();
    const verb = policy.why === 'fail' ? 'failed' : policy.why === 'success' ? 'succeeded' : 'finished';
    process.stderr.write(`multicore run: halting (--halt ${policy.when},${policy.why}) after this job ${verb}: ${job.command}\n`);
    if (policy.when === 'now') this.killAll();
  }

  private drawProgress(final: boolean): void {
    this.progress?.update(
      { running: this.running.size, done: this.tally.completed, total: this.total, elapsedMs: performance.now() - this.startedAt },
      final,
    );
  }
}
