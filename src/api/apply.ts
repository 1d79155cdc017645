/**
 * apply: one call of the task in a worker.
 *
 * This is the path of many tiny calls, so it allocates little: no stack capture unless the task
 * fails (see transport/call-site.ts), no abort listener unless a signal is given.
 */
import type { Submission } from '../backends/backend.js';
import { normalizeApplyOptions, type ApplyOptions } from '../options/call-options.js';
import { toTaskRef } from '../tasks/task-ref.js';
import type { TaskRef } from '../transport/messages.js';
import { awaitedCallSite } from '../transport/call-site.js';
import { deserializeError } from '../transport/error-codec.js';
import { collectTransfers } from '../transport/transfer.js';
import type { CallContext } from './context.js';

export function runApply(context: CallContext, fn: unknown, args: unknown, options: ApplyOptions | undefined): Promise<unknown> {
  let task: TaskRef | Promise<TaskRef>;
  try {
    task = toTaskRef(fn);
  } catch (error) {
    return Promise.reject(error);
  }
  // Only the first inline function of a program waits, for the parser to load; then it is known.
  if (task instanceof Promise) return task.then((ref) => submitApply(context, ref, args, options));
  return submitApply(context, task, args, options);
}

function submitApply(context: CallContext, task: TaskRef, args: unknown, options: ApplyOptions | undefined): Promise<unknown> {
  let end: (() => void) | undefined;
  try {
    end = context.begin('apply');
    const { signal, timeout } = normalizeApplyOptions(options);
    const argList = args === undefined ? [] : args;
    if (!Array.isArray(argList)) {
      throw new TypeError(`apply(fn, args): args must be an array of arguments, got ${args === null ? 'null' : typeof args}`);
    }
    signal?.throwIfAborted();
    const submission = context.backend.submit({ task, items: [argList], start: 0, spread: true, settle: false }, collectTransfers(argList), timeout === undefined ? undefined : { timeout });
    if (signal !== undefined) return abortable(submission, signal, context.backend.origin, end);
    return result(submission.promise, context.backend.origin, end);
  } catch (error) {
    end?.();
    return Promise.reject(error);
  }
}

/** The call's one result, or its error with the awaiting callers appended to the stack. */
async function result(outcome: Submission['promise'], origin: string, end: () => void): Promise<unknown> {
  try {
    const { results, errors } = await outcome;
    if (errors !== undefined) throw deserializeError(errors[0]![1], awaitedCallSite(origin));
    return results[0];
  } finally {
    end();
  }
}

async function abortable(submission: Submission, signal: AbortSignal, origin: string, end: () => void): Promise<unknown> {
  const onAbort = () => submission.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await result(submission.promise, origin, end);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
