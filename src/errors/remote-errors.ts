/** Errors of pools whose workers run elsewhere (backend 'redis'). */
import { ItemFailureError, MulticoreError } from './multicore-error.js';
import { summarizeIndices } from './describe.js';

/** An inline function was given to a pool whose workers run elsewhere: only named tasks travel. */
export class InlineRemoteError extends MulticoreError {
  constructor(functionName: string) {
    const what = functionName === '' ? 'an inline function' : `the inline function '${functionName}'`;
    super(
      'ERR_INLINE_REMOTE',
      `This pool runs tasks on remote workers, which never evaluate code received over the network, so ${what} cannot run there. ` +
        'Export the function from a task module with task(import.meta, fn) (or pass { module, name }) and start the workers with --tasks pointing at that module.',
    );
  }
}

/** The Redis server of a `backend: 'redis'` pool could not be reached in time, or refused the pool. */
export class RedisUnavailableError extends MulticoreError {
  /** The server, without credentials. */
  readonly server: string;

  /** @param waitedMs how long there was no connection; undefined when Redis answered with a refusal. */
  constructor(server: string, waitedMs: number | undefined, options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message.replace(/\.$/, '')}` : '';
    const what = waitedMs === undefined ? 'refused the work' : `is unavailable (no working connection for ${waitedMs} ms)`;
    super(
      'ERR_REDIS_UNAVAILABLE',
      `Redis at ${server} ${what}${reason}. Check that the server runs and that the address, ` +
        'password, ACL and TLS settings are right; the pending tasks of this pool have failed.',
      options,
    );
    this.server = server;
  }
}

/** A remote job failed outside the task itself (its worker stalled too often, or gave up on it). */
export class RemoteJobFailedError extends ItemFailureError {
  /** Input positions of the items in the failed job (within their call). */
  readonly items: number[];

  constructor(reason: string, items: number[]) {
    super('ERR_REMOTE_JOB_FAILED', `The remote job holding items ${summarizeIndices(items)} failed: ${reason}`);
    this.items = items;
  }
}

/**
 * A Redis job or its result was refused unread: over `maxJobBytes`, unsigned or wrongly signed
 * when a secret is set, or not a payload that decodes at bounded cost (see docs/distributed.md).
 * `rejectedBy` says which side refused it: 'worker' (nothing ran) or 'pool' (the items may have
 * run, their results were discarded, or the job was never sent).
 */
export class JobRejectedError extends ItemFailureError {
  /** Input positions of the job's items (within their call). */
  readonly items: number[];
  readonly rejectedBy: 'worker' | 'pool';
  /** Why, in a few words, e.g. "it is not signed". */
  readonly reason: string;

  constructor(rejectedBy: 'worker' | 'pool', reason: string, items: number[]) {
    const what =
      rejectedBy === 'worker'
        ? `A worker rejected the job holding items ${summarizeIndices(items)} before running anything: ${reason}`
        : `The job holding items ${summarizeIndices(items)} was rejected by this pool: ${reason}`;
    super('ERR_JOB_REJECTED', `${what}. See "What travels, and the limits" in docs/distributed.md.`);
    this.items = items;
    this.rejectedBy = rejectedBy;
    this.reason = reason;
  }
}
