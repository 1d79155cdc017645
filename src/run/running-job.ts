/** One attempt of a job while its process runs. */
import type { Outcome } from './halt.js';
import type { JobInput } from './job-source.js';
import type { JobRecord } from './joblog.js';
import type { JobProcess } from './launch/launcher.js';
import { osSignalNumber } from './signals.js';
import { longTimeout } from './timeout.js';

export class RunningJob {
  readonly input: JobInput;
  readonly command: string;
  readonly slot: number;
  readonly attempt: number;
  /** Wall-clock start (the joblog's Starttime), in milliseconds since the epoch. */
  readonly startedAtEpochMs = Date.now();
  /** Monotonic start (performance.now()), which runtimes and the youngest job are measured by. */
  readonly startedAtMonotonicMs = performance.now();
  /** Bytes of stdout received (the joblog's Receive). */
  received = 0;
  /** Set once launched; a job is listed as running only after that. */
  process!: JobProcess;
  timer: { clear(): void } | undefined;
  timedOut = false;
  /** Killed by a signal to us or by --halt now: neither printed nor logged. */
  killed = false;
  /** Killed because memory ran short (--memfree): run again later. */
  requeue = false;

  constructor(input: JobInput, command: string, slot: number, attempt: number) {
    this.input = input;
    this.command = command;
    this.slot = slot;
    this.attempt = attempt;
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
