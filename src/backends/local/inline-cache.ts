/**
 * The inline sources one worker has compiled: an inline function's source goes to each worker
 * once, and later chunks name it by hash alone.
 */
import type { TaskRef } from '../../transport/messages.js';

export class InlineSourceCache {
  /** Hashes of the inline sources this worker has received. */
  readonly #sent = new Set<string>();

  /** The task as this worker should get it; `added` collects the hashes it sends for the first time. */
  forWorker(task: TaskRef, added: string[]): TaskRef {
    if (task.kind !== 'inline') return task;
    if (!this.#sent.has(task.hash)) {
      this.#sent.add(task.hash);
      added.push(task.hash);
      return task;
    }
    return withoutSource(task);
  }

  /** The message that carried these sources was never sent. */
  forget(hashes: string[]): void {
    for (const hash of hashes) this.#sent.delete(hash);
  }
}

const strippedRefs = new WeakMap<TaskRef, TaskRef>();

function withoutSource(task: Extract<TaskRef, { kind: 'inline' }>): TaskRef {
  let stripped = strippedRefs.get(task);
  if (stripped === undefined) {
    stripped = { kind: 'inline', hash: task.hash, name: task.name };
    strippedRefs.set(task, stripped);
  }
  return stripped;
}
