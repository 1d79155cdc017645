/**
 * The scheduler: takes the jobs in order (job-source.ts), renders each job's command line,
 * keeps up to `jobs` of them running (each in a numbered slot), retries, times out and halts
 * them as asked, and reports each finished job to the output, the joblog and the progress line.
 *
 * Stopping follows GNU parallel: a signal (TERM, INT) or `--halt now` sends every running job's
 * process group the `--termseq` (termination.ts), and the jobs so killed are neither printed nor
 * logged, so `--resume` runs them again. SIGHUP only stops starting jobs and waits for the
 * running ones.
 */
import { mkdirSync } from 'node:fs';
import { CommandLines, type CommandLine } from './command-lines.js';
import { FinishedJobs } from './finished-jobs.js';
import { HaltWatch, haltMessage, type Outcome } from './halt.js';
import { argumentTuples, type Arguments } from './inputs.js';
import { JobFeed } from './job-feed.js';
import type { JobInput } from './job-source.js';
import type { JobEvents, Launcher, QueuedJobEvents, QueueingLauncher } from './launch/launcher.js';
import { openLauncher, openQueueingLauncher } from './launch/open-launcher.js';
import { jobShell } from './launch/node-launcher.js';
import type { RunOptions } from './options.js';
import { beginJobOutput, jobEvents, printDryRun } from './output/job-output.js';
import { createOutput, type Output } from './output/output.js';
import { ProgressLine } from './progress.js';
import { queuesAhead } from './queue-ahead.js';
import { ResourceGate } from './resource-gate.js';
import { RunningJob } from './running-job.js';
import { RunningJobs } from './running-jobs.js';
import { scheduleDirect, scheduleQueued, Wakeup, type SchedulerHost } from './scheduler.js';
import { osSignalNumber } from './signals.js';
import { JobSlots } from './slots.js';
import { StopSignal } from './stop-signal.js';
import { timeoutMs } from './timeout.js';

export class JobRunner {
  readonly #options: RunOptions;
  readonly #arguments: Arguments | undefined;
  readonly #commandLines: CommandLines;
  readonly #output: Output;
  readonly #finished: FinishedJobs;
  readonly #feed: JobFeed;
  readonly #progress: ProgressLine | undefined;
  readonly #shell = jobShell();
  readonly #stop = new StopSignal();
  readonly #gate: ResourceGate;
  readonly #running: RunningJobs;
  readonly #slots = new JobSlots();
  readonly #halt: HaltWatch;
  readonly #runStartedAtMonotonicMs = performance.now();
  #lastStartAtMonotonicMs = -Infinity;
  #launcher: Launcher | undefined;
  #started = 0;
  #total: number | undefined;
  #interruptedBy: NodeJS.Signals | undefined;
  #brokenPipeSeen = false;
  /** Ends the wait of the scheduling loop (or of the final drain) when something changed. */
  readonly #wakeup = new Wakeup();

  constructor(options: RunOptions) {
    this.#options = options;
    this.#arguments = options.pipe === undefined && !options.retryFailed ? argumentTuples(options) : undefined;
    const headerNames = () => this.#arguments?.names() ?? [];
    this.#commandLines = new CommandLines(options, headerNames);
    const results = options.results === undefined ? undefined : { root: options.results, names: headerNames };
    this.#output = createOutput(
      { mode: options.output, keepOrder: options.keepOrder, tagged: this.#commandLines.tagged, results, files: options.files },
      (seq) => this.#finished.printed(seq),
    );
    const { joblog } = options;
    const append = joblog?.append === true || options.resume !== 'no' || options.retryFailed;
    this.#finished = new FinishedJobs(joblog !== undefined && !options.dryRun ? { path: joblog.path, append } : undefined);
    this.#progress = options.progress === 'none' ? undefined : new ProgressLine(options.progress);
    this.#halt = new HaltWatch(options.halt);
    this.#gate = new ResourceGate({ maxLoad: options.maxLoad, memfreeBytes: options.memfreeBytes }, this.#stop);
    this.#running = new RunningJobs(options.termseq, () => this.#wakeup.wake());
    this.#feed = new JobFeed(options, this.#gate, this.#stop, {
      skipped: (seq) => this.#output.finish(seq),
      memoryCritical: () => this.#running.requeueYoungest(),
    });
    // GNU parallel creates the --wd directory when it is missing.
    if (options.workdir !== undefined && !options.dryRun) mkdirSync(options.workdir, { recursive: true });
  }

  /** Runs every job and resolves with the exit status GNU parallel would give. */
  async run(): Promise<number> {
    const queueing = queuesAhead(this.#options, this.#commandLines) ? openQueueingLauncher(this.#options) : undefined;
    this.#launcher = queueing ?? (await openLauncher(this.#options));
    try {
      await this.#feed.open(this.#arguments, this.#commandLines.needsTotal);
      this.#total = this.#commandLines.total = this.#feed.total;
      const host = this.#schedulerHost(queueing);
      if (queueing === undefined) await scheduleDirect(host);
      else await scheduleQueued(host);
      this.#drawProgress(true);
    } finally {
      this.#gate.close();
      // Whatever ended the run (even an error), no job it started is left running.
      if (this.#running.size > 0) this.#running.killAll();
      await this.#allStopped();
      await this.#output.flush();
      this.#finished.close();
      await this.#launcher.close();
    }
    if (this.#brokenPipeSeen) return 128 + osSignalNumber('SIGPIPE');
    if (this.#interruptedBy !== undefined) return 255;
    return this.#halt.exitStatus(this.#finished.tally, this.#started);
  }

  /**
   * Stops on SIGTERM or SIGINT: no new jobs, and every running job's process group gets the
   * --termseq. run() resolves with 255 once they are all gone.
   */
  interrupt(signal: NodeJS.Signals): void {
    this.#interruptedBy ??= signal;
    this.#stop.stop();
    this.#running.killAll();
  }

  /**
   * Our stdout was closed by its reader (`multicore run ... | head -1`): like GNU parallel, stop
   * the jobs and end as a process killed by SIGPIPE would (status 141).
   */
  brokenPipe(): void {
    if (this.#brokenPipeSeen) return;
    this.#brokenPipeSeen = true;
    this.#stop.stop();
    this.#running.killAll();
  }

  /** SIGHUP: start no new jobs, but let the running ones finish (GNU parallel's behaviour). */
  hangup(): void {
    if (this.#stop.stopped) return;
    this.#stop.stop();
    this.#running.withdrawQueued();
    process.stderr.write(Buffer.from(this.#running.hangupMessage(), 'latin1'));
  }

  #schedulerHost(queueing: QueueingLauncher | undefined): SchedulerHost {
    return {
      jobs: this.#options.jobs,
      delaySeconds: this.#options.delaySeconds,
      feed: this.#feed,
      stop: this.#stop,
      wakeup: this.#wakeup,
      running: () => this.#running.size,
      lastStartAtMs: () => this.#lastStartAtMonotonicMs,
      start: (input) => this.#startJob(input, 1, this.#slots.take()),
      render: (input) => this.#commandLines.render(input, 0), // no replacement string reads the slot when queued
      enqueue: (input, line) => this.#queueJob(input, line, queueing!),
    };
  }

  /** Waits until every job is gone and every termseq has ended. */
  async #allStopped(): Promise<void> {
    while (!this.#running.allGone) await this.#wakeup.wait();
  }

  #startJob(input: JobInput, attempt: number, slot: number): void {
    const { seq } = input;
    const line = this.#commandLines.render(input, slot);
    const { command } = line;
    if (this.#options.dryRun) {
      printDryRun(this.#output, seq, line);
      this.#slots.free(slot);
      return;
    }
    if (attempt === 1) this.#started++;
    this.#lastStartAtMonotonicMs = performance.now();
    const job = new RunningJob(input, line, slot, attempt);
    this.#beginOutput(job);
    try {
      const request = { command, seq, slot, attempt, stdio: this.#output.stdio, stdin: input.block };
      job.process = this.#launcher!.launch(request, this.#eventsOf(job));
    } catch (error) {
      this.#launchFailed(job, error as Error);
      return;
    }
    this.#running.add(job);
    this.#armTimeout(job);
    this.#drawProgress(false);
  }

  /** Hands the job to the launcher's queue; it starts (queuedJobStarted) when a slot frees. */
  #queueJob(input: JobInput, line: CommandLine, launcher: QueueingLauncher): void {
    const job = new RunningJob(input, line, 0, 1);
    const events: QueuedJobEvents = {
      ...this.#eventsOf(job),
      started: (slot, epochMs) => this.#queuedJobStarted(job, slot, epochMs),
      withdrawn: () => this.#jobWithdrawn(job),
    };
    try {
      const process = launcher.enqueue({ command: line.command, seq: input.seq, attempt: 1, stdio: this.#output.stdio }, events);
      job.process = process;
      job.withdraw = () => process.withdraw();
    } catch (error) {
      this.#launchFailed(job, error as Error);
      return;
    }
    this.#running.add(job);
  }

  /** What starting a job does here, for a queued job once the launcher has started it. */
  #queuedJobStarted(job: RunningJob, slot: number, epochMs: number | undefined): void {
    job.startedIn(slot, epochMs);
    this.#started++;
    this.#beginOutput(job);
    this.#armTimeout(job);
  }

  /** A queued job taken back before it started (SIGHUP, or stopped): it never ran. */
  #jobWithdrawn(job: RunningJob): void {
    this.#running.delete(job);
    this.#output.finish(job.seq);
    this.#wakeup.wake();
  }

  #beginOutput(job: RunningJob): void {
    beginJobOutput(this.#output, this.#options.verbose, job);
  }

  /** Frees the job's slot, unless the launcher owns it (a queued job's). */
  #freeSlot(job: RunningJob): void {
    if (!job.queued) this.#slots.free(job.slot);
  }

  #eventsOf(job: RunningJob): JobEvents {
    return jobEvents(this.#output, this.#shell, job, {
      launchFailed: (error) => this.#launchFailed(job, error),
      closed: (code, signal) => this.#jobEnded(job, code, signal),
    });
  }

  /** Not a job's failure but ours (a command line the system cannot take): say so, go on. */
  #launchFailed(job: RunningJob, error: Error): void {
    if (job.killed || job.requeue) {
      this.#jobEnded(job, 255, null); // being stopped anyway: it goes as a stopped job goes
      return;
    }
    job.timer?.clear();
    this.#running.delete(job);
    // A queued job the launcher could not take (its helper gone) fails as if it had started.
    if (!job.started) {
      this.#started++;
      this.#beginOutput(job);
    }
    this.#output.data(job.seq, 'stderr', Buffer.from(`multicore run: cannot start job ${job.seq}: ${error.message}\n`));
    this.#freeSlot(job);
    this.#recordEnd(job, { exitCode: 255, signal: 0, failed: true });
  }

  #armTimeout(job: RunningJob): void {
    const limit = timeoutMs(this.#options.timeout, this.#finished.successfulRuntimesMs);
    if (limit !== undefined) job.armTimeout(limit, () => this.#running.terminate(job));
  }

  #jobEnded(job: RunningJob, code: number | null, signal: NodeJS.Signals | null): void {
    job.timer?.clear();
    this.#running.delete(job);
    // The job's shell is gone, but what it started may ignore SIGTERM and, with -u, hold no pipe
    // that would have kept the job open; the termseq under way goes on until the group is gone.
    if (job.killed || job.requeue) {
      this.#freeSlot(job);
      this.#output.discard(job.seq);
      // Killed by a signal to us or by --halt now: GNU prints and logs nothing of it.
      if (job.killed) this.#output.finish(job.seq);
      else this.#feed.requeue(job.input);
      this.#wakeup.wake();
      return;
    }
    const outcome = job.outcome(code, signal);
    if (outcome.failed && job.attempt < this.#options.retries && !this.#stop.stopped) {
      this.#startJob(job.input, job.attempt + 1, job.slot);
      return;
    }
    this.#freeSlot(job);
    this.#recordEnd(job, outcome);
  }

  #recordEnd(job: RunningJob, outcome: Outcome): void {
    this.#finished.add(job.record(outcome), outcome.failed);
    this.#output.finish(job.seq);
    const halting = this.#halt.afterJob(outcome, this.#finished.tally, this.#total ?? 0);
    if (halting !== undefined) {
      this.#stop.stop();
      process.stderr.write(Buffer.from(haltMessage(halting, job.command), 'latin1'));
      if (halting.when === 'now') this.#running.killAll();
    }
    this.#drawProgress(false);
    this.#wakeup.wake();
  }

  #drawProgress(final: boolean): void {
    if (this.#progress === undefined) return;
    const state = { running: this.#running.size, done: this.#finished.tally.completed, total: this.#total, elapsedMs: performance.now() - this.#runStartedAtMonotonicMs };
    this.#progress.update(state, final);
  }
}
