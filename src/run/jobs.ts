import { RunUsageError } from './errors.js';

/**
 * How many jobs `-j 0` runs at once. GNU parallel reads it as "as many as the file handles
 * allow"; each running job holds a few descriptors (two pipes and the process), so we bound it
 * well below the usual limit of 1024 open files.
 */
export const maxJobsForZero = 250;

/**
 * Reads a `-j` value: `N`, `N%` of the cores, `+N` or `-N` cores, `0` for as many as possible.
 * Throws when the value is malformed or leaves no job to run (GNU parallel exits 255 then too).
 */
export function parseJobs(spec: string, cores: number): number {
  const match = /^([+-]?)(\d+)(%?)$/.exec(spec);
  if (match === null) {
    throw new RunUsageError(`option -j/--jobs expects N, N%, +N, -N or 0; got '${spec}'`);
  }
  const [, sign, digits, percent] = match as unknown as [string, string, string, string];
  const amount = Number(digits);
  if (!Number.isSafeInteger(amount)) throw new RunUsageError(`option -j/--jobs expects a whole number of jobs; '${spec}' is too large`);
  let jobs: number;
  if (percent !== '') {
    // GNU parallel rounds up (2 cores: 75% is 2 jobs) and refuses 0%.
    jobs = sign === '-' ? -1 : Math.ceil((cores * amount) / 100);
  } else if (sign === '+') {
    jobs = cores + amount;
  } else if (sign === '-') {
    jobs = cores - amount;
  } else {
    jobs = amount === 0 ? maxJobsForZero : amount;
  }
  if (jobs < 1) {
    throw new RunUsageError(`option -j/--jobs '${spec}' leaves no job to run on ${cores} cores`);
  }
  return jobs;
}
