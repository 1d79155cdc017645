/**
 * The two scheduling loops of a run: start each job from here when a slot frees, or keep the
 * launcher's queue filled ahead (queue-ahead.ts says which). Both only decide when; starting,
 * queueing and ending a job are the runner's (runner.ts), reached through SchedulerHost.
 */
import type { CommandLine } from './command-lines.js';
import type { JobFeed } from './job-feed.js';
import type { JobInput } from './job-source.js';
import { queueDepth } from './queue-ahead.js';
import type { StopSignal } from './stop-signal.js';

export interface SchedulerHost {
  readonly jobs: number;
  readonly delaySeconds: number;
  readonly feed: JobFeed;
  readonly stop: StopSignal;
  readonly wakeup: Wakeup;
  /** Jobs started or queued and not ended. */
  running(): number;
  /** Monotonic ms of the last start (for --delay). */
  lastStartAtMs(): number;
  start(input: JobInput): void;
  /** The job's command line as it will run; throws when the system could not take it. */
  render(input: JobInput): CommandLine;
  enqueue(input: JobInput, line: CommandLine): void;
}

/** Resolves the one wait of the runner when something changed (a job ended, a stop). */
export class Wakeup {
  #resolve: (() => void) | undefined;

  wait(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#resolve = resolve;
    });
  }

  wake(): void {
    this.#resolve?.();
  }
}

/** Keeps up to `jobs` jobs running until the input ends or the run is stopped. */
export async function scheduleDirect(host: SchedulerHost): Promise<void> {
  const { feed, stop } = host;
  for (;;) {
    while (!feed.ended && !stop.stopped && host.running() < host.jobs) {
      const input = await feed.next();
      if (input === undefined) break;
      if (host.delaySeconds > 0 && !(await delay(host))) break;
      host.start(input);
    }
    if (host.running() === 0) break;
    await host.wakeup.wait();
  }
}

/**
 * Keeps up to `jobs` jobs running and up to queueDepth more queued in the launcher, which
 * starts each the moment a slot frees; refilled once half the queue has started, so that one
 * write hands it several jobs.
 */
export async function scheduleQueued(host: SchedulerHost): Promise<void> {
  const { feed, stop, jobs } = host;
  const depth = queueDepth(jobs);
  const full = jobs + depth;
  const refillAt = jobs + Math.floor(depth / 2);
  for (;;) {
    if (host.running() <= refillAt) {
      while (!feed.ended && !stop.stopped && host.running() < full) {
        const input = await feed.next();
        if (input === undefined) break;
        let line: CommandLine;
        try {
          line = host.render(input);
        } catch (error) {
          // Refused when it would have started (a slot frees with every job before it started).
          if (await whileRunningAtLeast(host, jobs)) throw error;
          break;
        }
        host.enqueue(input, line);
      }
    }
    if (host.running() === 0) break;
    await host.wakeup.wait();
  }
}

/** Waits until fewer than `count` jobs are under way; false when the run was stopped first. */
async function whileRunningAtLeast(host: SchedulerHost, count: number): Promise<boolean> {
  while (host.running() >= count && !host.stop.stopped) await host.wakeup.wait();
  return !host.stop.stopped;
}

/** Waits out --delay since the last start; false when a stop came first. */
function delay(host: SchedulerHost): Promise<boolean> {
  const wait = host.lastStartAtMs() + host.delaySeconds * 1000 - performance.now();
  if (wait > 0) return host.stop.sleep(wait);
  return Promise.resolve(!host.stop.stopped);
}
