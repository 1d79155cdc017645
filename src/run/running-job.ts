/** One attempt of a job while its process runs. */
import type { CommandLine } from './command-lines.js';
import type { Outcome } from './halt.js';
import type { JobInput } from './job-source.js';
import type { JobRecord } from './joblog.js';
import type { JobProcess } from './launch/launcher.js';
import { osSignalNumber } from './signals.js';
import { longTimeout } from './timeout.js';

export class RunningJob {
  readonly input: JobInput;
  readonly line: CommandLine;
  /** The job's slot, from 1; 0 while it waits in the launcher's queue for one. */
  slot: number;
  readonly attempt: number;
  /** Queued in the launcher, which owns its slot. */
  readonly queued: boolean;
  /** Wall-clock start (the joblog's Starttime), in milliseconds since the epoch. */
  startedAtEpochMs = Date.now();
  /** Monotonic start (performance.now()), which runtimes and the youngest job are measured by. */
  startedAtMonotonicMs = performance.now();
  /** Bytes of stdout received (the joblog's Receive). */
  received = 0;
  /** Set once launched; a job is listed as running only after that. */
  process!: JobProcess;
  /** Takes back a job still queued in the launcher; set for queued jobs only. */
  withdraw: (() => void) | undefined;
  timer: { clear(): void } | undefined;
  timedOut = false;
  /** Killed by a signal to us or by --halt now: neither printed nor logged. */
  killed = false;
  /** Killed because memory ran short (--memfree): run again later. */
  requeue = false;

  /** `slot` 0 for a job queued in the launcher, which starts it later (startedIn). */
  constructor(input: JobInput, line: CommandLine, slot: number, attempt: number) {
    this.input = input;
    this.line = line;
    this.slot = slot;
    this.attempt = attempt;
    this.queued = slot === 0;
  }

  get command(): string {
    return this.line.command;
  }

  /** Whether its process has started (a queued job's has not until the launcher says so). */
  get started(): boolean {
    return this.slot !== 0;
  }

  /** The launcher started the queued job in `slot`, at `epochMs` (or now, when it cannot tell). */
  startedIn(slot: number, epochMs: number | undefined): void {
    this.slot = slot;
    const nowEpochMs = Date.now();
    const nowMonotonicMs = performance.now();
    // Our monotonic clock as it read at that moment: its runtime counts from there.
    this.startedAtEpochMs = epochMs ?? nowEpochMs;
    this.startedAtMonotonicMs = nowMonotonicMs - Math.max(0, nowEpochMs - this.startedAtEpochMs);
  }

  get seq(): number {
    return this.input.seq;
  }

  /** --timeout: after `limitMs`, says so on stderr and calls `kill`. */
  armTimeout(limitMs: number, kill: () => void): void {
    this.timer = longTimeout(() => {
      this.timedOut = true;
      process.stderr.write(Buffer.from(`multicore run: job ${this.seq} timed out after ${(limitMs / 1000).toFixed(3)}s and was killed: ${this.command}\n`, 'latin1'));
      kill();
    }, limitMs);
  }

  /** How the job ended; one killed for its timeout counts as GNU parallel logs it: exit -1, signal 15. */
  outcome(code: number | null, signal: NodeJS.Signals | null): Outcome {
    const exitCode = this.timedOut ? -1 : code ?? 0;
    const signalNumber = this.timedOut ? 15 : signal === null ? 0 : osSignalNumber(signal);
    return { exitCode, signal: signalNumber, failed: exitCode !== 0 || signalNumber !== 0 };
  }

  /** The job's joblog line, now that it has ended. */
  record(outcome: Outcome): JobRecord {
    const runtimeMs = performance.now() - this.startedAtMonotonicMs;
    const sent = this.input.block?.length ?? 0;
    const { exitCode, signal } = outcome;
    return { seq: this.seq, startEpochMs: this.startedAtEpochMs, runtimeMs, sent, received: this.received, exitCode, signal, command: this.command };
  }
}
