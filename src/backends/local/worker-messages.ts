/**
 * What the worker group does with each message of its workers: the closed table of
 * transport/messages.ts, handled in one switch. The group supplies what a message may change.
 */
import { WorkerInitError } from '../../errors.js';
import { unpackOutcomes } from '../../transport/batch-codec.js';
import { deserializeError } from '../../transport/error-rebuild.js';
import type { ChunkOutcome, FromWorkerMessage, TaskRef } from '../../transport/messages.js';
import { unknownMessage } from '../../transport/messages.js';
import type { StartFailureGuard } from './crash-attribution.js';
import type { LocalChunk } from './local-chunk.js';
import type { WorkerSlot } from './worker-slot.js';

export interface MessageTarget {
  /** A worker spent `durationMs` on a chunk (feeds the dispatch policy). */
  record(durationMs: number, task: TaskRef | undefined): void;
  readonly startFailures: StartFailureGuard;
  /** A chunk's outcome came back (settles it). */
  complete(chunk: LocalChunk, outcome: ChunkOutcome): void;
  /** The pool can run nothing more: every task fails with `error`. */
  broken(error: Error): void;
  /** The worker holds no chunk and no broadcast any more. */
  idle(slot: WorkerSlot): void;
  /** The worker holds no chunk any more. */
  emptied(slot: WorkerSlot): void;
  /** Hand out queued work (soon). */
  pump(): void;
}

export function handleWorkerMessage(target: MessageTarget, slot: WorkerSlot, message: FromWorkerMessage): void {
  switch (message.type) {
    case 'ready':
      slot.ready = true;
      return;
    case 'initFailed':
      target.broken(new WorkerInitError(deserializeError(message.error)));
      return;
    case 'fatal':
      slot.lastWords = deserializeError(message.error);
      return;
    case 'emit': {
      const chunk = slot.chunks.get(message.chunkId);
      // A chunk already settled (aborted, timed out) has nobody listening any more.
      if (chunk !== undefined && !chunk.abandoned && !chunk.settled) chunk.onEmit?.(message.index, message.data);
      return;
    }
    case 'broadcastDone':
      slot.answered(message.id, message.error === undefined ? { result: message.result } : { error: message.error });
      if (slot.chunks.size === 0 && slot.broadcasts.size === 0) target.idle(slot);
      return;
    case 'outcomes':
      slot.batchesInFlight -= message.batchesDone;
      target.startFailures.succeeded();
      for (const outcome of unpackOutcomes(message.outcomes)) {
        const chunk = slot.chunks.get(outcome.id);
        target.record(outcome.duration, chunk?.task);
        if (chunk === undefined) continue; // aborted or terminated while running: already settled
        slot.chunks.delete(outcome.id);
        if (!chunk.abandoned) target.complete(chunk, outcome);
      }
      if (slot.chunks.size === 0) target.emptied(slot);
      target.pump();
      return;
    default:
      unknownMessage(message);
  }
}
