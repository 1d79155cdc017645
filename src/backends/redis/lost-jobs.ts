/**
 * After a reconnection: outcomes we missed are read from the jobs, and jobs that Redis lost
 * (restarted without persistence) are added again, so that items are never silently lost; a job
 * can therefore run twice (at-least-once). If Redis drops again meanwhile, the next reconnection
 * starts over.
 */
import type { QueueLink } from './queue-link.js';
import type { RedisChunk } from './redis-chunk.js';

export interface RecoveryActions {
  /** Redis does not know the chunk's job: add it again. */
  requeue(link: QueueLink, chunk: RedisChunk): void;
  completed(link: QueueLink, jobId: string, returnvalue: unknown): void;
  failed(link: QueueLink, jobId: string, failedReason: unknown): void;
}

export async function recoverLostJobs(links: readonly QueueLink[], actions: RecoveryActions): Promise<void> {
  for (const link of links) {
    for (const [jobId, chunk] of [...link.jobs]) {
      const state = await link.queue.getJobState(jobId);
      if (link.jobs.get(jobId) !== chunk) continue; // settled meanwhile
      if (state === 'unknown') {
        link.jobs.delete(jobId);
        chunk.jobId = undefined;
        chunk.state = 'preparing';
        actions.requeue(link, chunk);
      } else if (state === 'completed' || state === 'failed') {
        const job = await link.queue.getJob(jobId);
        if (job === undefined) continue;
        if (state === 'completed') actions.completed(link, jobId, job.returnvalue);
        else actions.failed(link, jobId, job.failedReason);
      }
    }
  }
}
