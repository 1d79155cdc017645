/**
 * The scheduler: reads the jobs (argument records, --pipe blocks, or --retry-failed's logged
 * commands), renders each job's command line, keeps up to `jobs` of them running (each in a
 * numbered slot), retries, times out and halts them as asked, and reports each finished job to
 * the output, the joblog and the progress line.
 *
 * Stopping follows GNU parallel: a signal (TERM, INT) or `--halt now` sends every running job's
 * process group the `--termseq` (TERM, 200 ms, TERM, 100 ms, TERM, 50 ms, KILL), and the jobs so
 * killed are neither printed nor logged, so `--resume` runs them again. SIGHUP only stops
 * starting jobs and waits for the running ones.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { batchRecords, maxCommandBytes } from './batching.js';
import { RunUsageError } from './errors.js';
import { checkHalt, finalStatus, type Tally } from './halt.js';
import { argumentTuples, type Arguments } from './inputs.js';
import { completedSeqs, JoblogWriter, readJoblog, type JobRecord } from './joblog.js';
import type { RunOptions } from './options.js';
import { createOutput, type Output } from './output.js';
import { pipeBlocks } from './pipe.js';
import { ProgressLine } from './progress.js';
import { jobShell, signalGroup, spawnJob } from './spawn.js';
import { CommandTemplate } from './template.js';
import { longTimeout, timeoutMs } from './timeout.js';
import { osSignalNumber } from './signals.js';
import { mayStart, memoryCritical } from './resources.js';
import type { RemoteJobs } from './remote/remote-jobs.js';

/** One job to run: its records (for the command template), or a ready command, or a stdin block. */
interface JobInput {
  seq: number;
  records: string[][];
  /** --retry-failed: the command as logged. */
  command?: string;
  /** --pipe: the job's stdin. */
  block?: Buffer;
}

interface Job {
  input: JobInput;
  command: string;
  slot: number;
  attempt: number;
  startMs: number;
  startedAt: number;
  received: number;
  child: ChildProcess;
  timer: { clear(): void } | undefined;
  timedOut: boolean;
  /** Killed by a signal to us or by --halt now: neither printed nor logged. */
  killed: boolean;
  /** Killed because memory ran short (--memfree): run again later. */
  requeue: boolean;
  /** Resolves when the job's process is gone and its pipes are closed. */
  closed: Promise<void>;
}

const stopMarker = Symbol('stop');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export class JobRunner {
  private readonly template: CommandTemplate;
  private readonly tagTemplate: CommandTemplate | undefined;
  private readonly output: Output;
  private readonly arguments: Arguments | undefined;
  private readonly shell = jobShell();
  private readonly running = new Map<number, Job>();
  /** Termseq sequences under way; the run ends only once all of them have. */
  private readonly stopping = new Set<Promise<void>>();
  private readonly freeSlots: number[] = [];
  /** Jobs --memfree stopped, to run again before any new one. */
  private readonly requeued: JobInput[] = [];
  private memoryWatch: NodeJS.Timeout | undefined;
  private readonly tally: Tally = { completed: 0, failed: 0 };
  private readonly successfulRuntimesMs: number[] = [];
  private readonly joblog: JoblogWriter | undefined;
  /** Finished jobs' joblog lines, written once the job's output is (as GNU parallel does). */
  private readonly joblogHeld = new Map<number, JobRecord>();
  private readonly skip: Set<number>;
  private readonly progress: ProgressLine | undefined;
  private readonly startedAt = performance.now();
  private started = 0;
  private total: number | undefined;
  private nextSlot = 1;
  private lastStartAt = -Infinity;
  /** Set when the input is exhausted. */
  private exhausted = false;
  /** Set by --halt or a signal: start no new jobs and no retries. */
  private stopStarting = false;
  private haltStatus: number | undefined;
  private interruptedBy: NodeJS.Signals | undefined;
  private brokenPipeSeen = false;
  private remote: RemoteJobs | undefined;
  private wake: (() => void) | undefined;
  /**
   * Waits that a signal or --halt must end (more input, --delay). A listener set rather than
   * racing one long-lived promise: each race would leave a reaction on it holding its result
   * (a --pipe block) for the rest of the run.
   */
  private readonly stopListeners = new Set<() => void>();

  constructor(private readonly options: RunOptions) {
    this.arguments = options.pipe === undefined && !options.retryFailed ? argumentTuples(options) : undefined;
    const headerNames = () => this.arguments?.names() ?? [];
    const templateOptions = {
      quoteWords: options.quoteCommand, plus: options.plus, contextReplace: options.contextReplace,
      names: options.names, header: options.header !== undefined, headerNames,
    };
    this.template = new CommandTemplate(options.command, templateOptions);
    // GNU parallel substitutes --tagstring's replacement strings without quoting them.
    this.tagTemplate = options.tagstring === undefined ? undefined : new CommandTemplate([options.tagstring], { ...templateOptions, quoteWords: false, verbatim: true });
    const results = options.results === undefined ? undefined : { root: options.results, names: headerNames };
    this.output = createOutput(
      { mode: options.output, keepOrder: options.keepOrder, tagged: options.tag || options.tagstring !== undefined, results, files: options.files },
      (seq) => this.printed(seq),
    );
    const joblog = options.joblog;
    this.skip = joblog !== undefined && options.resume !== 'no' ? completedSeqs(joblog.path, options.resume) : new Set();
    const append = joblog?.append === true || options.resume !== 'no' || options.retryFailed;
    this.joblog = joblog !== undefined && !options.dryRun ? new JoblogWriter(joblog.path, append) : undefined;
    this.progress = options.progress === 'none' ? undefined : new ProgressLine(options.progress);
    // GNU parallel creates the --wd directory when it is missing.
    if (options.workdir !== undefined && !options.dryRun) mkdirSync(options.workdir, { recursive: true });
  }

  private requestStop(): void {
    for (const listener of this.stopListeners) listener();
    this.stopListeners.clear();
  }

  /** `promise`'s value, or stopMarker as soon as the run is stopped. */
  private unlessStopped<T>(promise: Promise<T>): Promise<T | typeof stopMarker> {
    if (this.stopStarting) return Promise.resolve(stopMarker);
    return new Promise((resolve, reject) => {
      const onStop = (): void => resolve(stopMarker);
      this.stopListeners.add(onStop);
      promise.then(
        (value) => {
          this.stopListeners.delete(onStop);
          resolve(value);
        },
        (error: unknown) => {
          this.stopListeners.delete(onStop);
          reject(error as Error);
        },
      );
    });
  }

  /** Runs every job and resolves with the exit status GNU parallel would give. */
  async run(): Promise<number> {
    if (this.options.redis !== undefined) {
      const { RemoteJobs } = await import('./remote/remote-jobs.js');
      this.remote = await RemoteJobs.open(this.options.redis.url, this.options.redis.queue);
    }
    try {
      const jobs = await this.jobSource();
      for (;;) {
        while ((!this.exhausted || this.requeued.length > 0) && !this.stopStarting && this.running.size < this.options.jobs) {
          if (!(await this.resourcesAllow())) break;
          let input = this.requeued.shift();
          if (input === undefined) {
            // Input may never end (`tail -f log | multicore run ...`): a stop must not wait for it.
            const next = await this.unlessStopped(Promise.resolve(jobs.next()));
            if (next === stopMarker) break;
            if (next.done === true) {
              this.exhausted = true;
              break;
            }
            input = next.value;
          }
          if (this.skip.has(input.seq) || (input.command === undefined && this.options.retryFailed)) {
            this.output.finish(input.seq);
            continue;
          }
          if (this.options.delaySeconds > 0 && !(await this.delay())) break;
          this.startJob(input, 1, this.takeSlot());
        }
        if (this.running.size === 0) break;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
      this.drawProgress(true);
    } finally {
      clearInterval(this.memoryWatch);
      // Whatever ended the run (even an error), no job it started is left running.
      if (this.running.size > 0) this.killAll();
      await this.allStopped();
      await this.output.flush();
      this.joblog?.close();
      await this.remote?.close();
    }
    if (this.brokenPipeSeen) return 128 + osSignalNumber('SIGPIPE');
    if (this.interruptedBy !== undefined) return 255;
    return this.haltStatus ?? finalStatus(this.options.halt, this.tally, this.started);
  }

  /**
   * Stops on SIGTERM or SIGINT: no new jobs, and every running job's process group gets the
   * --termseq. run() resolves with 255 once they are all gone.
   */
  interrupt(signal: NodeJS.Signals): void {
    this.interruptedBy ??= signal;
    this.stopStarting = true;
    this.requestStop();
    this.killAll();
  }

  /**
   * Our stdout was closed by its reader (`multicore run ... | head -1`): like GNU parallel, stop
   * the jobs and end as a process killed by SIGPIPE would (status 141).
   */
  brokenPipe(): void {
    if (this.brokenPipeSeen) return;
    this.brokenPipeSeen = true;
    this.stopStarting = true;
    this.requestStop();
    this.killAll();
  }

  /** SIGHUP: start no new jobs, but let the running ones finish (GNU parallel's behaviour). */
  hangup(): void {
    if (this.stopStarting) return;
    this.stopStarting = true;
    this.requestStop();
    const lines = [
      'multicore run: SIGHUP received. No new jobs will be started.',
      `multicore run: Waiting for these ${this.running.size} jobs to finish. Send SIGTERM to stop now.`,
      ...[...this.running.values()].map((job) => `multicore run: ${job.command}`),
    ];
    process.stderr.write(Buffer.from(`${lines.join('\n')}\n`, 'latin1'));
  }

  private async allStopped(): Promise<void> {
    while (this.running.size > 0 || this.stopping.size > 0) {
      await Promise.all([...this.stopping, ...[...this.running.values()].map((job) => job.closed)]);
    }
  }

  /** Waits while --load or --memfree forbid a start; false when a stop came first. */
  private async resourcesAllow(): Promise<boolean> {
    const limits = { maxLoad: this.options.maxLoad, memfreeBytes: this.options.memfreeBytes };
    if (limits.maxLoad === undefined && limits.memfreeBytes === undefined) return true;
    if (limits.memfreeBytes !== undefined && this.memoryWatch === undefined) {
      this.memoryWatch = setInterval(() => this.checkMemory(), 1000);
      this.memoryWatch.unref();
    }
    while (!mayStart(limits)) {
      if ((await this.unlessStopped(sleep(500))) === stopMarker) return false;
    }
    return !this.stopStarting;
  }

  /** Under half of --memfree free, the youngest job is stopped and queued to run again. */
  private checkMemory(): void {
    if (this.running.size < 2 || !memoryCritical({ maxLoad: undefined, memfreeBytes: this.options.memfreeBytes })) return;
    const youngest = [...this.running.values()].filter((job) => !job.killed && !job.requeue).sort((a, b) => b.startedAt - a.startedAt)[0];
    if (youngest === undefined) return;
    youngest.requeue = true;
    this.terminate(youngest);
  }

  /** Waits out --delay since the last start; false when a stop came first. */
  private async delay(): Promise<boolean> {
    const wait = this.lastStartAt + this.options.delaySeconds * 1000 - performance.now();
    if (wait > 0) await this.unlessStopped(sleep(wait));
    return !this.stopStarting;
  }

  /** The jobs in order; read in full first when something needs their number or order. */
  private async jobSource(): Promise<AsyncIterator<JobInput> | Iterator<JobInput>> {
    const jobs = this.readJobs();
    const needsTotal = this.options.halt?.percent === true || this.options.progress === 'bar' || this.options.progress === 'eta'
      || this.options.shuffle || this.template.needsTotal;
    if (!needsTotal) return jobs;
    const all: JobInput[] = [];
    for await (const job of jobs) all.push(job);
    this.total = all.length;
    if (this.options.shuffle) {
      // --shuf runs the jobs in random order; each keeps its number.
      shuffle(all);
    }
    return all[Symbol.iterator]();
  }

  private async *readJobs(): AsyncGenerator<JobInput> {
    const { options } = this;
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
    for await (const records of batchRecords(this.arguments!.tuples, options.batching, options.jobs, commandBytes)) {
      yield { seq: ++seq, records };
    }
  }

  private takeSlot(): number {
    if (this.freeSlots.length === 0) return this.nextSlot++;
    // Lowest free slot first, so {%} stays within 1..jobs and is reused like GNU parallel's.
    let lowest = 0;
    for (let i = 1; i < this.freeSlots.length; i++) if (this.freeSlots[i]! < this.freeSlots[lowest]!) lowest = i;
    return this.freeSlots.splice(lowest, 1)[0]!;
  }

  private startJob(input: JobInput, attempt: number, slot: number): void {
    const { seq, records } = input;
    const values = { records, seq, slot, totalJobs: this.total, jobSlots: this.options.jobs };
    const command = input.command ?? this.template.render(values);
    const tag = this.tagTemplate?.render(values) ?? records.flat().join(' ');
    const columns = records.flat();
    if (command.length >= maxCommandBytes) {
      // As GNU parallel: a line the system cannot take stops the run (exit 255) before it starts.
      throw new RunUsageError(`command line too long (${command.length} >= ${maxCommandBytes} bytes) for job ${seq}: ${command.slice(0, 50)}...`);
    }
    if (this.options.dryRun) {
      // Printed through the output so that -k and --tag order and label it as a real run would.
      this.output.begin(seq, tag, columns);
      this.output.data(seq, 'stdout', Buffer.from(`${command}\n`, 'latin1'));
      this.output.finish(seq);
      this.freeSlots.push(slot);
      return;
    }
    if (attempt === 1) this.started++;
    this.lastStartAt = performance.now();
    this.output.begin(seq, tag, columns);
    if (this.options.verbose === 'stdout') this.output.data(seq, 'stdout', Buffer.from(`${command}\n`, 'latin1'));
    if (this.options.verbose === 'stderr') process.stderr.write(Buffer.from(`${command}\n`, 'latin1'));
    let child: ChildProcess;
    try {
      child = this.remote !== undefined
        ? this.remote.spawn({ command, seq, slot, stdin: input.block, attempt })
        : spawnJob(this.shell, {
        command, seq, slot, stdio: this.output.stdio, stdin: input.block === undefined ? 'ignore' : 'pipe', cwd: this.options.workdir,
      });
    } catch (error) {
      // Not a job's failure but ours (a command line the system cannot take): say so, stop.
      this.output.data(seq, 'stderr', Buffer.from(`multicore run: cannot start job ${seq}: ${(error as Error).message}\n`));
      this.freeSlots.push(slot);
      this.recordEnd({ input, command, startMs: Date.now(), startedAt: performance.now(), received: 0 }, 255, 0, false);
      return;
    }
    let markClosed!: () => void;
    const closed = new Promise<void>((resolve) => {
      markClosed = resolve;
    });
    const job: Job = {
      input, command, slot, attempt, child, closed,
      startMs: Date.now(), startedAt: performance.now(), received: 0, timer: undefined, timedOut: false, killed: false, requeue: false,
    };
    this.running.set(seq, job);
    child.stdout?.on('data', (chunk: Buffer) => {
      job.received += chunk.length;
      this.output.data(seq, 'stdout', chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => this.output.data(seq, 'stderr', chunk));
    if (input.block !== undefined && child.stdin !== null) {
      child.stdin.on('error', () => {}); // a job that reads no stdin closes it early: GNU ignores that too
      child.stdin.end(input.block);
    }
    child.on('error', (error) => {
      this.output.data(seq, 'stderr', Buffer.from(`multicore run: cannot start ${this.shell}: ${error.message}\n`));
    });
    child.on('close', (code, signal) => {
      markClosed();
      this.jobEnded(job, code, signal);
    });
    const limit = timeoutMs(this.options.timeout, this.successfulRuntimesMs);
    if (limit !== undefined) {
      job.timer = longTimeout(() => {
        job.timedOut = true;
        process.stderr.write(Buffer.from(`multicore run: job ${seq} timed out after ${(limit / 1000).toFixed(3)}s and was killed: ${command}\n`, 'latin1'));
        this.terminate(job);
      }, limit);
    }
    this.drawProgress(false);
  }

  /** Sends the job's process group the --termseq, each signal only while the group lives. */
  private terminate(job: Job): void {
    if (job.child.pid === undefined) {
      job.child.kill(); // a queued job (--redis): given up on here
      return;
    }
    const sequence = (async () => {
      for (const step of this.options.termseq) {
        if (!signalGroup(job.child, 0)) return;
        signalGroup(job.child, step.signal);
        const until = performance.now() + step.waitMs;
        // Poll like GNU parallel: a group may outlive the job's shell (a child ignoring TERM).
        while (performance.now() < until && signalGroup(job.child, 0)) await sleep(Math.min(5, step.waitMs));
      }
    })();
    this.stopping.add(sequence);
    void sequence.finally(() => {
      this.stopping.delete(sequence);
      this.wake?.();
    });
  }

  private killAll(): void {
    for (const job of this.running.values()) {
      if (job.killed) continue;
      job.killed = true;
      this.terminate(job);
    }
  }

  private jobEnded(job: Job, code: number | null, signal: NodeJS.Signals | null): void {
    job.timer?.clear();
    this.running.delete(job.input.seq);
    // The job's shell is gone, but what it started may ignore SIGTERM and, with -u, hold no pipe
    // that would have kept the job open; the termseq under way goes on until the group is gone.
    if (job.requeue && !job.killed) {
      this.freeSlots.push(job.slot);
      this.output.discard(job.input.seq);
      this.requeued.push(job.input);
      this.wake?.();
      return;
    }
    if (job.killed) {
      // Killed by a signal to us or by --halt now: GNU prints and logs nothing of it.
      this.freeSlots.push(job.slot);
      this.output.discard(job.input.seq);
      this.output.finish(job.input.seq);
      this.wake?.();
      return;
    }
    // A job killed for its timeout is logged as GNU parallel logs it: exit -1, signal 15.
    const exitCode = job.timedOut ? -1 : code ?? 0;
    const signalNumber = job.timedOut ? 15 : signal === null ? 0 : osSignalNumber(signal);
    const failed = exitCode !== 0 || signalNumber !== 0;

    if (failed && job.attempt < this.options.retries && !this.stopStarting) {
      this.startJob(job.input, job.attempt + 1, job.slot);
      return;
    }
    this.freeSlots.push(job.slot);
    this.recordEnd(job, exitCode, signalNumber, failed);
  }

  private recordEnd(job: Pick<Job, 'input' | 'command' | 'startMs' | 'startedAt' | 'received'>, exitCode: number, signal: number, failed: boolean): void {
    const runtimeMs = performance.now() - job.startedAt;
    const { seq } = job.input;
    this.joblogHeld.set(seq, {
      seq, startMs: job.startMs, runtimeMs, sent: job.input.block?.length ?? 0, received: job.received,
      exitCode, signal, command: job.command,
    });
    this.tally.completed++;
    if (failed || exitCode !== 0) this.tally.failed++;
    else this.successfulRuntimesMs.push(runtimeMs);
    this.output.finish(seq);
    this.applyHalt(job.command, { failed: failed || exitCode !== 0, exitCode, signal });
    this.drawProgress(false);
    this.wake?.();
  }

  /** The output calls this once a job's output is written: its joblog line follows. */
  private printed(seq: number): void {
    const record = this.joblogHeld.get(seq);
    if (record === undefined) return; // skipped by --resume, or killed: not logged
    this.joblogHeld.delete(seq);
    this.joblog?.write(record);
  }

  private applyHalt(command: string, outcome: { failed: boolean; exitCode: number; signal: number }): void {
    const policy = this.options.halt;
    if (policy === undefined || this.haltStatus !== undefined) return;
    const status = checkHalt(policy, outcome, this.tally, this.total ?? 0);
    if (status === undefined) return;
    this.haltStatus = status;
    this.stopStarting = true;
    this.requestStop();
    const verb = policy.why === 'fail' ? 'failed' : policy.why === 'success' ? 'succeeded' : 'finished';
    process.stderr.write(Buffer.from(`multicore run: halting (--halt ${policy.when},${policy.why}) after this job ${verb}: ${command}\n`, 'latin1'));
    if (policy.when === 'now') this.killAll();
  }

  private drawProgress(final: boolean): void {
    this.progress?.update(
      { running: this.running.size, done: this.tally.completed, total: this.total, elapsedMs: performance.now() - this.startedAt },
      final,
    );
  }
}
