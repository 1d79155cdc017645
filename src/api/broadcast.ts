/**
 * broadcast: one call of a task on every live worker, to reload configuration or warm a cache.
 * Workers started later (replacements) do not get it: the pool's initializer is for that.
 */
import { describe } from '../errors/describe.js';
import { toTaskRef } from '../tasks/task-ref.js';
import { refuseBroadcast, refuseUnsupported } from './capability-guard.js';
import { CapturedCallSite } from '../transport/call-site.js';
import { deserializeError } from '../transport/error-rebuild.js';
import type { CallContext } from './context.js';

export async function runBroadcast(context: CallContext, fn: unknown, args: unknown): Promise<unknown[]> {
  const callSite = new CapturedCallSite(context.backend.origin);
  const end = context.begin('broadcast');
  try {
    const argList = args === undefined ? [] : args;
    if (!Array.isArray(argList)) throw new TypeError(`broadcast(fn, args): args must be an array of arguments, got ${describe(args)}`);
    refuseBroadcast(context.backend);
    const task = await toTaskRef(fn, 'fn', () => callSite.callerModule());
    refuseUnsupported(context.backend, task, argList, 'arguments');
    const outcomes = await context.backend.broadcast(task, argList);
    return outcomes.map((outcome) => {
      if ('error' in outcome) throw deserializeError(outcome.error, callSite.toCallSite());
      return outcome.result;
    });
  } finally {
    end();
  }
}
