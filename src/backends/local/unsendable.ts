/** The error for a chunk whose arguments could not be copied to a worker, naming the item to blame. */
import { TaskSerializationError } from '../../errors.js';
import { describeUncloneable, findUncloneable } from '../../transport/clone-check.js';
import type { ChunkRequest } from '../../transport/messages.js';

export function unsendableChunk(request: ChunkRequest, error: unknown): TaskSerializationError {
  const { items, spread, start } = request;
  for (let i = 0; i < items.length; i++) {
    const culprit = findUncloneable(items[i], spread ? 'arguments' : 'item');
    if (culprit === undefined) continue;
    const message =
      `Item ${start + i} cannot be sent to a worker: ${culprit.path} is ${describeUncloneable(culprit)}. ` +
      'Pass plain data (objects, arrays, strings, numbers, typed arrays, Map, Set, Date), or create the value inside the task.';
    return new TaskSerializationError(message, start + i, { cause: error });
  }
  const message = `The arguments could not be sent to a worker: ${error instanceof Error ? error.message : String(error)}`;
  return new TaskSerializationError(message, undefined, { cause: error });
}
