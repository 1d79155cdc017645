/** `initializer` and `initArgs`: what each new local worker runs once before its first task. */
import { describe } from '../errors/describe.js';
import { toTaskRef } from '../tasks/task-ref.js';
import { findUncloneable } from '../transport/clone-check.js';
import type { TaskRef } from '../transport/messages.js';

export interface NormalizedInitializer {
  /** A promise only for an inline function met before the source parser loaded. */
  task: TaskRef | Promise<TaskRef>;
  args: unknown[];
}

export function validateInitializer(initializer: unknown, initArgs: unknown): NormalizedInitializer | undefined {
  if (initializer === undefined) {
    if (initArgs !== undefined) throw new TypeError('initArgs is given without an initializer; add initializer: the function to call with them');
    return undefined;
  }
  const task = toTaskRef(initializer, 'initializer');
  const args = initArgs === undefined ? [] : initArgs;
  if (!Array.isArray(args)) throw new TypeError(`initArgs must be an array of arguments for the initializer, got ${describe(initArgs)}`);
  const culprit = findUncloneable(args, 'initArgs');
  if (culprit !== undefined) {
    throw new TypeError(`initArgs must be plain data that can be copied to every worker: ${culprit.path} is ${culprit.type}`);
  }
  return { task, args };
}
