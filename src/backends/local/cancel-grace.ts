/**
 * Stopping a running chunk that was failed (its item timed out, or its call was aborted): the
 * task's taskSignal() aborts first, and a task that stops within abortGrace keeps its worker (its
 * outcome, ignored, comes back as usual). Past that, or with abortGrace 0, stopping the worker is
 * the only way to stop the code; the group replaces it when it exits. The other chunks running
 * on that worker (concurrentTasksPerWorker) die with it and fail; those it had not started go back
 * to the queue.
 */
import type { LocalChunk } from './local-chunk.js';
import { runningItem } from './progress-register.js';
import type { WorkerSlot } from './worker-slot.js';

export function cancelRunning(slot: WorkerSlot, chunk: LocalChunk, why: 'timeout' | 'abort', abortGrace: number): void {
  if (abortGrace === 0 || chunk.cancelled) {
    stopFor(slot, chunk);
    return;
  }
  chunk.cancelled = true;
  slot.handle.send({ type: 'cancel', chunkId: chunk.id, why }, []);
  setTimeout(() => {
    if (slot.alive && slot.chunks.get(chunk.id) === chunk) stopUnlessFinished(slot, chunk);
  }, abortGrace).unref();
}

/**
 * Its outcome may be on its way (the task stopped just now): the worker stays if the register,
 * read once it can start nothing more, shows the chunk no longer running.
 */
function stopUnlessFinished(slot: WorkerSlot, chunk: LocalChunk): void {
  slot.handle.holdStarts();
  if (runningItem(slot.progress(), chunk.id) === undefined) slot.handle.releaseStarts();
  else stopFor(slot, chunk);
}

function stopFor(slot: WorkerSlot, chunk: LocalChunk): void {
  slot.chunks.delete(chunk.id);
  slot.stop();
}
