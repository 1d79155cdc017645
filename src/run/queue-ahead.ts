/**
 * Whether a run hands its jobs to the spawner helper ahead of time, so that the helper starts
 * the next one the moment a job ends instead of waiting for us to hear of it and answer (on a
 * busy machine that round trip is most of a short job's cost). Only where a job queued ahead
 * starts exactly when, where and as it would have started from here: nothing decides at the
 * start of a job what it is or whether it runs, and nothing may change between a job's end
 * and the next start. Everywhere else each job is started from here when a slot frees.
 */
import type { CommandLines } from './command-lines.js';
import type { RunOptions } from './options.js';

export function queuesAhead(options: RunOptions, commandLines: Pick<CommandLines, 'usesSlot'>): boolean {
  return (
    // The helper runs the local jobs that read no stdin from us (see open-launcher.ts).
    options.pipe === undefined && options.redis === undefined && !options.dryRun &&
    // The slot is the helper's choice, made at the start: the command line cannot hold it.
    !commandLines.usesSlot &&
    // A job's end may stop the next start (--halt) or restart it in its own slot (--retries).
    options.halt === undefined && options.retries <= 1 &&
    // Starts wait on the clock, the load or free memory, or are drawn on the progress line.
    options.delaySeconds === 0 && options.maxLoad === undefined && options.memfreeBytes === undefined && options.progress === 'none' &&
    // -v and -t print each command line before its job can write anything.
    options.verbose === 'none'
  );
}

/** Jobs queued in the helper beyond the running ones: enough that one write carries several. */
export function queueDepth(jobs: number): number {
  return Math.max(jobs, 8);
}
