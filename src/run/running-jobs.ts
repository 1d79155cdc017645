/**
 * The jobs under way, by job number, and the ways they are stopped: one job (a timeout, a
 * --memfree shortage) or all of them (a signal, --halt now), each by the --termseq.
 */
import type { RunningJob } from './running-job.js';
import { Terminations } from './termination.js';
import type { Termseq } from './timeout.js';

export class RunningJobs {
  readonly #jobs = new Map<number, RunningJob>();
  readonly #terminations: Terminations;

  /** `onChange` is told whenever a termseq ends (and so the run may be over). */
  constructor(termseq: Termseq, onChange: () => void) {
    this.#terminations = new Terminations(termseq, onChange);
  }

  get size(): number {
    return this.#jobs.size;
  }

  /** No job is running and no termseq is under way. */
  get allGone(): boolean {
    return this.#jobs.size === 0 && this.#terminations.underWay === 0;
  }

  add(job: RunningJob): void {
    this.#jobs.set(job.seq, job);
  }

  delete(job: RunningJob): void {
    this.#jobs.delete(job.seq);
  }

  /** What SIGHUP makes us say: no new jobs, and the ones we wait for (those started). */
  hangupMessage(): string {
    const started = [...this.#jobs.values()].filter((job) => job.started);
    const lines = [
      'multicore run: SIGHUP received. No new jobs will be started.',
      `multicore run: Waiting for these ${started.length} jobs to finish. Send SIGTERM to stop now.`,
      ...started.map((job) => `multicore run: ${job.command}`),
    ];
    return `${lines.join('\n')}\n`;
  }

  /** Takes back every job still queued in the launcher, so that none starts from now on. */
  withdrawQueued(): void {
    for (const job of this.#jobs.values()) if (!job.started) job.withdraw?.();
  }

  terminate(job: RunningJob): void {
    job.process.stop((pid) => this.#terminations.start(pid));
  }

  /** Kills every job not already being killed; they are neither printed nor logged. */
  killAll(): void {
    // Queued jobs first: their take-backs go before the kills, which the launcher holds until
    // they are answered, so that no running job dies and frees the slot a queued one would take.
    const jobs = [...this.#jobs.values()];
    for (const job of [...jobs.filter((job) => !job.started), ...jobs.filter((job) => job.started)]) {
      if (job.killed) continue;
      job.killed = true;
      this.terminate(job);
    }
  }

  /** --memfree under half: the youngest job is stopped, to run again later. */
  requeueYoungest(): void {
    if (this.#jobs.size < 2) return;
    const candidates = [...this.#jobs.values()].filter((job) => !job.killed && !job.requeue);
    const youngest = candidates.sort((a, b) => b.startedAtMonotonicMs - a.startedAtMonotonicMs)[0];
    if (youngest === undefined) return;
    youngest.requeue = true;
    this.terminate(youngest);
  }
}
