/**
 * `--halt when,why=N|N%`: when to stop starting jobs ("soon") or kill the running ones ("now"),
 * and the exit status that results, following GNU parallel's rules.
 */
import { RunUsageError } from './errors.js';

export interface HaltPolicy {
  when: 'soon' | 'now';
  why: 'fail' | 'success' | 'done';
  /** A count of jobs, or a fraction (0..1] of all jobs when `percent` is true. */
  threshold: number;
  percent: boolean;
}

/** The outcome of one finished job as the halt rule sees it. */
export interface Outcome {
  failed: boolean;
  exitCode: number;
  signal: number;
}

/** Counts of finished jobs. */
export interface Tally {
  completed: number;
  failed: number;
}

const shorthands: Record<string, string> = {
  '1': 'soon,fail=1',
  '2': 'now,fail=1',
  '-1': 'soon,success=1',
  '-2': 'now,success=1',
};

/** Parses a `--halt` value; `never` and `0` give undefined (run everything). */
export function parseHalt(value: string): HaltPolicy | undefined {
  let spec = shorthands[value] ?? value;
  if (spec === 'never' || spec === '0') return undefined;
  if (/^\d+%$/.test(spec)) spec = `soon,fail=${spec}`;
  const match = /^(soon|now),(fail|success|done)=(\d+(?:\.\d+)?)(%?)$/.exec(spec);
  if (match === null) {
    throw new RunUsageError(
      `option --halt expects never, soon|now,fail|success|done=N or =N% (or 0, 1, 2, -1, -2, N%); got '${value}'`,
    );
  }
  const [, when, why, amount, percent] = match as unknown as [string, HaltPolicy['when'], HaltPolicy['why'], string, string];
  const threshold = percent === '' ? Number(amount) : Number(amount) / 100;
  return { when, why, threshold, percent: percent !== '' };
}

/**
 * Decides after a job finished whether the halt condition is met. `totalJobs` is needed only
 * for percentages (the runner reads all input first in that case). Returns the exit status to
 * use, or undefined when the run goes on.
 */
export function checkHalt(policy: HaltPolicy, job: Outcome, tally: Tally, totalJobs: number): number | undefined {
  const counted = policy.why === 'fail' ? (job.failed ? tally.failed : undefined)
    : policy.why === 'success' ? (job.failed ? undefined : tally.completed - tally.failed)
    : tally.completed;
  if (counted === undefined) return undefined;
  const needed = policy.percent ? totalJobs * policy.threshold : policy.threshold;
  if (counted < needed) return undefined;
  if (policy.why === 'success') return 0;
  if (!policy.percent && policy.threshold === 1) {
    // Like a shell, report a signal as 128 + its number.
    return job.exitCode !== 0 ? job.exitCode & 0xff : job.signal !== 0 ? 128 + job.signal : 0;
  }
  return policy.percent ? Math.ceil((tally.failed / Math.max(totalJobs, 1)) * 100) : Math.min(tally.failed, 101);
}

/** What we say on stderr when the halt condition is met after `command`. */
export function haltMessage(policy: HaltPolicy, command: string): string {
  const verb = policy.why === 'fail' ? 'failed' : policy.why === 'success' ? 'succeeded' : 'finished';
  return `multicore run: halting (--halt ${policy.when},${policy.why}) after this job ${verb}: ${command}\n`;
}

/** Exit status when the run ends without its halt condition being met. */
export function finalStatus(policy: HaltPolicy | undefined, tally: Tally, started: number): number {
  if (policy !== undefined && policy.percent) return Math.ceil((tally.failed / Math.max(started, 1)) * 100);
  return Math.min(tally.failed, 101);
}

/** --halt over a run: whether a finished job halts it (once), and the exit status the run ends with. */
export class HaltWatch {
  readonly #policy: HaltPolicy | undefined;
  #status: number | undefined;

  constructor(policy: HaltPolicy | undefined) {
    this.#policy = policy;
  }

  /** After each finished job: the policy, the first time the run is to halt; undefined otherwise. */
  afterJob(job: Outcome, tally: Tally, totalJobs: number): HaltPolicy | undefined {
    if (this.#policy === undefined || this.#status !== undefined) return undefined;
    this.#status = checkHalt(this.#policy, job, tally, totalJobs);
    return this.#status === undefined ? undefined : this.#policy;
  }

  exitStatus(tally: Tally, started: number): number {
    return this.#status ?? finalStatus(this.#policy, tally, started);
  }
}
