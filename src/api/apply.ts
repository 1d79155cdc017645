/**
 * apply: one call of the task in a worker.
 *
 * This is the path of many tiny calls, so it allocates little: no stack capture unless the task
 * fails (see transport/call-site.ts), no abort listener unless a signal is given.
 */
import type { Submission, SubmitOptions } from '../backends/backend.js';
import { describe } from '../errors/describe.js';
import { normalizeApplyOptions, type ApplyOptions } from '../options/call-options.js';
import { toTaskRef } from '../tasks/task-ref.js';
import type { TaskRef } from '../transport/messages.js';
import { currentRuntime } from '../system/js-runtime.js';
import { awaitedCallSite, CapturedCallSite } from '../transport/call-site.js';
import { deserializeError } from '../transport/error-codec.js';
import { collectTransfers } from '../transport/transfer.js';
import { refusePriority, refuseUnsupported } from './capability-guard.js';
import type { CallContext } from './context.js';

/** An apply call is one task, not an item of a call: its errors say so (see SubmitOptions.single). */
const plainApply: SubmitOptions = Object.freeze({ single: true });
// Bun keeps no async stack trace across the await, so there the caller's stack is taken up front
// (before the first inline function waits for the parser, which would leave no caller at all).
const captureUpFront = currentRuntime().name === 'bun';

export function runApply(context: CallContext, fn: unknown, args: unknown, options: ApplyOptions | undefined): Promise<unknown> {
  const callSite = captureUpFront ? new CapturedCallSite(context.backend.origin) : undefined;
  let task: TaskRef | Promise<TaskRef>;
  try {
    task = toTaskRef(fn);
  } catch (error) {
    return Promise.reject(error);
  }
  // Only the first inline function of a program waits, for the parser to load; then it is known.
  // The call is registered before that wait, so that a close() meanwhile waits for it, not refuses it.
  if (task instanceof Promise) {
    let end: () => void;
    try {
      end = context.begin('apply');
    } catch (error) {
      return Promise.reject(error);
    }
    return task.then(
      (ref) => submitApply(context, ref, args, options, callSite, end),
      (error: unknown) => {
        end();
        throw error;
      },
    );
  }
  return submitApply(context, task, args, options, callSite);
}

/** `begun`: the call was registered already (see runApply), and this is the end of it. */
function submitApply(context: CallContext, task: TaskRef, args: unknown, options: ApplyOptions | undefined, callSite: CapturedCallSite | undefined, begun?: () => void): Promise<unknown> {
  let end: (() => void) | undefined = begun;
  try {
    end ??= context.begin('apply');
    const { signal, timeout, priority, onEmit } = normalizeApplyOptions(options);
    const argList = args === undefined ? [] : args;
    if (!Array.isArray(argList)) {
      throw new TypeError(`apply(fn, args): args must be an array of arguments, got ${describe(args)}`);
    }
    refuseUnsupported(context.backend, task, argList, 'arguments');
    refusePriority(context.backend, priority);
    signal?.throwIfAborted();
    let submission: Submission | undefined;
    const submitOptions: SubmitOptions =
      timeout === undefined && signal === undefined && priority === 0 && onEmit === undefined
        ? plainApply
        : { timeout, abortable: signal !== undefined || onEmit !== undefined, single: true, priority, onEmit: onEmit && ((_, data) => deliverEmit(onEmit, data, submission)) };
    submission = context.backend.submit({ task, items: [argList], start: 0, spread: true, settle: false }, collectTransfers(argList), submitOptions);
    if (signal !== undefined) return abortable(submission, signal, context.backend.origin, end, callSite);
    return result(submission.promise, context.backend.origin, end, callSite);
  } catch (error) {
    end?.();
    return Promise.reject(error);
  }
}

/** A listener that throws fails the call with its error, at once. */
function deliverEmit(onEmit: (data: unknown, info: { index: number }) => void, data: unknown, submission: Submission | undefined): void {
  try {
    onEmit(data, { index: 0 });
  } catch (error) {
    submission?.abort(error);
  }
}

/** The call's one result, or its error with the awaiting callers appended to the stack. */
async function result(outcome: Submission['promise'], origin: string, end: () => void, callSite: CapturedCallSite | undefined): Promise<unknown> {
  try {
    const { results, errors } = await outcome;
    if (errors !== undefined) throw deserializeError(errors[0]![1], callSite?.toCallSite() ?? awaitedCallSite(origin));
    return results[0];
  } finally {
    end();
  }
}

async function abortable(submission: Submission, signal: AbortSignal, origin: string, end: () => void, callSite: CapturedCallSite | undefined): Promise<unknown> {
  const onAbort = () => submission.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await result(submission.promise, origin, end, callSite);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
