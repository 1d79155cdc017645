/**
 * Stopping a job as GNU parallel does: its process group gets each signal of the --termseq
 * (default TERM, 200 ms, TERM, 100 ms, TERM, 50 ms, KILL), each only while the group lives.
 */
import type { Termseq } from './timeout.js';

/**
 * Sends a signal to a job's whole process group. A group that is already gone is fine: the job
 * ended between our decision and the signal. Returns whether the group still existed.
 */
export function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The termseq sequences under way; the run ends only once all of them have. */
export class Terminations {
  readonly #termseq: Termseq;
  readonly #underWay = new Set<Promise<void>>();
  readonly #onSettled: () => void;

  /** `onSettled` is told each time a sequence ends. */
  constructor(termseq: Termseq, onSettled: () => void) {
    this.#termseq = termseq;
    this.#onSettled = onSettled;
  }

  get underWay(): number {
    return this.#underWay.size;
  }

  /** Runs the termseq on the process group `pid` leads. */
  start(pid: number): void {
    const sequence = this.#run(pid);
    this.#underWay.add(sequence);
    void sequence.finally(() => {
      this.#underWay.delete(sequence);
      this.#onSettled();
    });
  }

  async #run(pid: number): Promise<void> {
    for (const step of this.#termseq) {
      if (!signalGroup(pid, 0)) return;
      signalGroup(pid, step.signal);
      const until = performance.now() + step.waitMs;
      // Poll like GNU parallel: a group may outlive the job's shell (a child ignoring TERM).
      while (performance.now() < until && signalGroup(pid, 0)) await sleep(Math.min(5, step.waitMs));
    }
  }
}
