/**
 * The one wording of "this value cannot be sent": which item, where in it the culprit sits, what
 * it is, and what to pass instead. Arguments on their way to a worker (a thread, a child process
 * or a Redis worker) and results on their way back all say it the same way.
 */
import { TaskSerializationError } from '../errors/task-errors.js';
import { describeUncloneable, findUncloneable, type Uncloneable } from './clone-check.js';

/** What can be sent: the advice of every message here. */
export const plainData = 'objects, arrays, strings, numbers, BigInt, typed arrays, Map, Set, Date';

/** The items of a chunk, as the sender holds them. */
export interface UnsendableChunk {
  readonly items: readonly unknown[];
  /** Items are argument lists (starmap, apply). */
  readonly spread: boolean;
  /** The index of the first item in the call. */
  readonly start: number;
}

/**
 * The error for a chunk whose arguments could not be copied to `receiver` ('a worker', 'a Redis
 * worker'): the first item that will not copy is named, with the path to the value to blame.
 */
export function unsendableArguments(chunk: UnsendableChunk, error: unknown, receiver: string): TaskSerializationError {
  const { items, spread, start } = chunk;
  for (let i = 0; i < items.length; i++) {
    const culprit = findUncloneable(items[i], spread ? 'arguments' : 'item');
    if (culprit === undefined) continue;
    const message =
      `Item ${start + i} cannot be sent to ${receiver}: ${culprit.path} is ${describeUncloneable(culprit)}. ` +
      `Pass plain data (${plainData}), or create the value inside the task.`;
    return new TaskSerializationError(message, start + i, { cause: error });
  }
  const message = `The arguments could not be sent to ${receiver}: ${error instanceof Error ? error.message : String(error)}`;
  return new TaskSerializationError(message, undefined, { cause: error });
}

/**
 * The error for the result of item `index` that could not be copied back from the worker: with
 * the culprit when it was found, and the copy's own error as the cause.
 */
export function unsendableResult(index: number, culprit: Uncloneable | undefined, error: unknown): TaskSerializationError {
  const subject = `The result of item ${index}`;
  if (culprit === undefined) return new TaskSerializationError(`${subject} could not be sent back from the worker.`, index, { cause: error });
  const message = `${subject} cannot be sent back from the worker: ${culprit.path} is ${describeUncloneable(culprit)}. Return plain data (${plainData}).`;
  return new TaskSerializationError(message, index, { cause: error });
}

/**
 * The error for any other value that could not be copied (broadcast arguments and results,
 * emitted data): `sentence`, then the culprit inside `value` (searched from `path`) or the copy's
 * own error, then `advice`.
 */
export function unsendableValue(sentence: string, value: unknown, path: string, error: unknown, index?: number, advice = ''): TaskSerializationError {
  const culprit = findUncloneable(value, path);
  // V8's own messages end with a period ("#<SharedArrayBuffer> could not be cloned."): one is enough.
  const what = culprit === undefined ? (error instanceof Error ? error.message : String(error)).replace(/\.$/, '') : `${culprit.path} is ${describeUncloneable(culprit)}`;
  return new TaskSerializationError(`${sentence}: ${what}.${advice}`, index, { cause: error });
}
