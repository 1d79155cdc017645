/**
 * apply: one call of the task in a worker.
 *
 * This is the path of many tiny calls, so it allocates little: no stack capture unless the task
 * fails (see transport/call-site.ts), no abort listener unless a signal is given.
 */
import type { ChunkResult, Submission, SubmitOptions } from '../backends/backend.js';
import { describe } from '../errors/describe.js';
import { normalizeApplyOptions, type ApplyOptions } from '../options/call-options.js';
import { toTaskRef } from '../tasks/task-ref.js';
import type { TaskRef } from '../transport/messages.js';
import { currentRuntime } from '../system/js-runtime.js';
import { awaitedCallSite, CapturedCallSite } from '../transport/call-site.js';
import { deserializeError } from '../transport/error-rebuild.js';
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
    try {
      context.enter('apply');
    } catch (error) {
      return Promise.reject(error);
    }
    return task.then(
      (ref) => submitApply(context, ref, args, options, callSite, true),
      (error: unknown) => {
        context.exit();
        throw error;
      },
    );
  }
  return submitApply(context, task, args, options, callSite, false);
}

/** `entered`: the call was registered already (see runApply); from here on it ends with context.exit(). */
function submitApply(context: CallContext, task: TaskRef, args: unknown, options: ApplyOptions | undefined, callSite: CapturedCallSite | undefined, entered: boolean): Promise<unknown> {
  try {
    if (!entered) context.enter('apply');
    entered = true;
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
    if (signal !== undefined) return abortable(submission, signal, context, callSite);
    if (callSite !== undefined) return result(submission.promise, context, callSite);
    const { fulfilled, rejected } = endingsOf(context);
    return submission.promise.then(fulfilled, rejected);
  } catch (error) {
    if (entered) context.exit();
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

interface Endings {
  fulfilled(outcome: ChunkResult): unknown;
  rejected(reason: unknown): never;
}

const endingsByContext = new WeakMap<CallContext, Endings>();

/**
 * How a call ends, shared by every apply of a pool: a burst of them keeps its calls in flight
 * with one chunk and one `then` each, not an async function's state as well. The stack of a
 * failure still names the awaiting callers: V8 follows a native `then` chain to the async
 * functions that await it, as it follows an `await`.
 */
function endingsOf(context: CallContext): Endings {
  let endings = endingsByContext.get(context);
  if (endings === undefined) {
    endings = {
      fulfilled(outcome) {
        context.exit();
        const { results, errors } = outcome;
        if (errors !== undefined) throw deserializeError(errors[0]![1], awaitedCallSite(context.backend.origin));
        return results[0];
      },
      rejected(reason) {
        context.exit();
        throw reason;
      },
    };
    endingsByContext.set(context, endings);
  }
  return endings;
}

/** The call's one result, or its error with the caller's stack appended (`callSite`, or the awaiting callers). */
async function result(outcome: Submission['promise'], context: CallContext, callSite: CapturedCallSite | undefined): Promise<unknown> {
  try {
    const { results, errors } = await outcome;
    if (errors !== undefined) throw deserializeError(errors[0]![1], callSite?.toCallSite() ?? awaitedCallSite(context.backend.origin));
    return results[0];
  } finally {
    context.exit();
  }
}

async function abortable(submission: Submission, signal: AbortSignal, context: CallContext, callSite: CapturedCallSite | undefined): Promise<unknown> {
  const onAbort = () => submission.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await result(submission.promise, context, callSite);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
