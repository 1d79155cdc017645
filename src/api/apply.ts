/** apply: one call of the task in a worker. */
import { normalizeApplyOptions, type ApplyOptions } from '../options/call-options.js';
import { toTaskRef } from '../tasks/task-ref.js';
import { CapturedCallSite } from '../transport/call-site.js';
import { deserializeError } from '../transport/error-codec.js';
import { collectTransfers } from '../transport/transfer.js';
import type { CallContext } from './context.js';
import type { Transferable } from '../transport/transfer.js';

export async function runApply(context: CallContext, fn: unknown, args: unknown, options: ApplyOptions | undefined): Promise<unknown> {
  const callSite = new CapturedCallSite(context.backend.origin);
  const end = context.begin('apply');
  try {
    const { signal } = normalizeApplyOptions(options);
    const task = toTaskRef(fn);
    const argList = args === undefined ? [] : args;
    if (!Array.isArray(argList)) {
      throw new TypeError(`apply(fn, args): args must be an array of arguments, got ${args === null ? 'null' : typeof args}`);
    }
    signal?.throwIfAborted();
    const transfer: Transferable[] = [];
    collectTransfers(argList, transfer);
    const submission = context.backend.submit({ task, items: [argList], start: 0, spread: true, settle: false }, transfer);
    const onAbort = () => submission.abort(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const outcome = await submission.promise;
      if (outcome.errors !== undefined) throw deserializeError(outcome.errors[0]![1], callSite.toCallSite());
      return outcome.results[0];
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  } finally {
    end();
  }
}
