/**
 * Which launcher a run uses: Redis's queue with --redis; else the spawner helper where perl and
 * the job shell are found and the jobs read no stdin from us (not --pipe); else a child process
 * of ours per job. MULTICORE_RUN_SPAWNER=node asks for the last one whatever is installed.
 */
import type { RunOptions } from '../options.js';
import { findExecutable, HelperLauncher } from './helper-launcher.js';
import type { Launcher, QueueingLauncher } from './launcher.js';
import { jobEnvironment, jobShell, NodeLauncher } from './node-launcher.js';

const maxHelperJobs = 300;

export async function openLauncher(options: RunOptions): Promise<Launcher> {
  const { redis } = options;
  if (redis !== undefined) return (await import('./remote-launcher.js')).RemoteLauncher.open(redis.url, redis.queue);
  return openHelper(options, 0) ?? new NodeLauncher(options.workdir);
}

/**
 * The spawner helper owning `options.jobs` slots, to which jobs are handed ahead of time;
 * undefined where the helper is not used (see openLauncher).
 */
export function openQueueingLauncher(options: RunOptions): QueueingLauncher | undefined {
  return options.redis === undefined ? openHelper(options, options.jobs) : undefined;
}

function openHelper(options: RunOptions, slots: number): HelperLauncher | undefined {
  // The helper waits on its jobs' pipes with select(), which takes descriptors below 1024: two
  // per job.
  if (options.pipe !== undefined || options.jobs > maxHelperJobs || process.env.MULTICORE_RUN_SPAWNER === 'node') return undefined;
  const perl = findExecutable('perl');
  // A shell that cannot be found is left to the child process path, which reports it.
  if (perl === undefined || findExecutable(jobShell()) === undefined) return undefined;
  return new HelperLauncher(perl, jobShell(), jobEnvironment(), options.workdir, slots);
}
