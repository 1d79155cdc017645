/**
 * forRange and reduceRange: a loop over [0, length) split into contiguous ranges, one task per
 * range. This is the lean path of the pool: there is no input to read and no window to keep, so
 * each range goes straight to the backend as one chunk (like apply), and a call costs one round
 * trip per worker. The arrays the loop works on travel in `context`; shared ones are not copied.
 */
import type { Submission } from '../backends/backend.js';
import { optionalFunction } from '../options/validate.js';
import { toTaskRef } from '../tasks/task-ref.js';
import { CapturedCallSite } from '../transport/call-site.js';
import { deserializeError } from '../transport/error-rebuild.js';
import { normalizeRangeOptions, validLength } from '../shared/range-options.js';
import { splitRange } from '../shared/ranges.js';
import { refusePriority, refuseUnsupported } from './capability-guard.js';
import type { CallContext } from './context.js';

export async function runForRange(context: CallContext, length: unknown, fn: unknown, loopContext: unknown, options: unknown): Promise<unknown[]> {
  return runRanges(context, 'forRange', length, fn, loopContext, options);
}

export async function runReduceRange(
  context: CallContext,
  length: unknown,
  fn: unknown,
  combine: unknown,
  loopContext: unknown,
  options: unknown,
): Promise<unknown> {
  const combineFn = optionalFunction<(a: unknown, b: unknown) => unknown>('reduceRange(length, fn, combine): combine', combine);
  if (combineFn === undefined) throw new TypeError('reduceRange(length, fn, combine): combine must be a function, got undefined');
  const partials = await runRanges(context, 'reduceRange', length, fn, loopContext, options);
  // In range order, whatever order the ranges finished in: the same inputs give the same result.
  return partials.reduce((total, partial) => combineFn(total, partial));
}

async function runRanges(context: CallContext, method: string, length: unknown, fn: unknown, loopContext: unknown, options: unknown): Promise<unknown[]> {
  const callSite = new CapturedCallSite(context.backend.origin);
  const end = context.begin(method);
  try {
    const total = validLength(method, length);
    const { chunks, signal, priority } = normalizeRangeOptions(method, options);
    const task = await toTaskRef(fn);
    const { backend } = context;
    refuseUnsupported(backend, task, loopContext, 'context');
    refusePriority(backend, priority);
    signal?.throwIfAborted();
    const ranges = splitRange(total, chunks ?? backend.concurrency);
    const submissions: Submission[] = [];
    // No transfer list: the same context goes to every range, so it can only be shared or copied.
    try {
      for (const [start, stop] of ranges) {
        submissions.push(backend.submit({ task, items: [[start, stop, loopContext]], start, spread: true, settle: false }, [], priority === 0 ? undefined : { priority }));
      }
    } catch (error) {
      for (const submission of submissions) submission.withdraw();
      throw error;
    }
    return await collectResults(submissions, signal, callSite);
  } finally {
    end();
  }
}

/**
 * The results in range order; the first range to fail rejects the call at once, and the ranges
 * that have not started are withdrawn (running ones finish, their results are ignored).
 */
function collectResults(submissions: Submission[], signal: AbortSignal | undefined, callSite: CapturedCallSite): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const results = new Array<unknown>(submissions.length);
    let pending = submissions.length;
    let settled = false;
    const finish = (error: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      for (const submission of submissions) submission.withdraw();
      reject(error);
    };
    const onAbort = () => {
      for (const submission of submissions) submission.abort(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    submissions.forEach((submission, index) => {
      submission.promise.then(
        (outcome) => {
          if (outcome.errors !== undefined) return finish(deserializeError(outcome.errors[0]![1], callSite.toCallSite()));
          results[index] = outcome.results[0];
          if (--pending === 0 && !settled) {
            settled = true;
            signal?.removeEventListener('abort', onAbort);
            resolve(results);
          }
        },
        (error: unknown) => finish(error),
      );
    });
  });
}
