/**
 * What becomes of the chunks a worker held when it died, and when to stop respawning: pure
 * policies, kept apart from the WorkerGroup so that they can be read (and tested) on their own.
 * The rule: a chunk that the worker had started is never run again; it fails, naming the item it
 * was on, and so does every chunk in flight beside it (concurrentTasksPerWorker: the tasks share
 * the worker, and which one ended it is not known). A chunk it had not started
 * goes back to the queue, unless workers keep dying while they receive it (an argument too big to
 * decode in the worker's heap), which would otherwise respawn workers forever.
 */
import { WorkerCrashedError, WorkerInitError } from '../../errors.js';
import type { ChunkRequest } from '../../transport/messages.js';
import { loadingTask, runningItem, type WorkerProgress } from './progress-register.js';

export interface ExitDetails {
  exitCode: number | null;
  signal: string | null;
  /** The uncaught error that ended the worker, when there was one. */
  error: unknown;
  /** Set when the worker could not be started at all (spawn failed): the error that said why. */
  spawnError?: unknown;
}

/** A chunk the dead worker held: what was sent (its ChunkRequest fields) and where it stood. */
export interface OrphanedChunk extends ChunkRequest {
  /** Position of the chunk among those sent to the worker that died (0 for its first). */
  readonly ordinal: number;
  /** Position of the message that carried it among those sent to that worker. */
  readonly batch: number;
  /** How many workers have died while receiving this chunk so far. */
  deliveryFailures: number;
  /** An `apply` call rather than items of a map: errors name "the task". */
  readonly single: boolean;
}

/** Deaths while a chunk is being received, after which it fails instead of going back to the queue. */
export const maxDeliveryFailures = 3;

/**
 * The error for `orphan`, or undefined when it goes back to the queue. `blameDelivery`: the worker
 * was running and died on its own (not stopped by the group, not while starting, which is counted
 * as a failed start), so the message it was receiving may be to blame.
 */
export function orphanFailure(orphan: OrphanedChunk, progress: WorkerProgress, details: ExitDetails, blameDelivery: boolean): Error | undefined {
  const chunk = orphan;
  const crashed = (items: number[], ...reasons: (string | undefined)[]) => {
    const reason = reasons.filter(Boolean).join(', ');
    return new WorkerCrashedError({ ...details, items, single: orphan.single, ...(reason && { reason }) }, { cause: details.error });
  };
  if (orphan.ordinal < progress.started) {
    const running = runningItem(progress, chunk.id);
    if (running !== undefined) {
      // Every task in flight on a worker dies with it: say so, since another one may have ended it.
      const others = progress.running.length - 1;
      const beside = others > 0 ? `with ${others} other task${others === 1 ? '' : 's'} in flight on it` : undefined;
      const reason = running.index === loadingTask ? 'while importing its task module' : undefined;
      return crashed([chunk.start + Math.max(running.index, 0)], describeExit(details), reason, beside);
    }
    // Results go back one message per batch: a death while it is serialized (a getter that
    // exits) loses every result in it.
    if (progress.sending) return crashed(allItems(chunk), describeExit(details), 'while sending its results back');
    return crashed(allItems(chunk), describeExit(details), 'the task had finished, but its results were lost with the worker');
  }
  // A task that was running when the worker died is the likelier cause: it is blamed above, and a
  // message behind it goes back to the queue unblamed, or a few ok calls queued behind tasks that
  // kill their worker would fail as undeliverable (seen in the soak, on processes under Deno).
  if (!blameDelivery || progress.running.length > 0 || orphan.batch !== progress.received) return undefined;
  // The worker died, running nothing, with this chunk's message as the next one to decode.
  orphan.deliveryFailures++;
  if (orphan.deliveryFailures < maxDeliveryFailures) return undefined;
  return crashed(allItems(chunk), describeExit(details), `${maxDeliveryFailures} workers in a row died while receiving the task's arguments; not retrying it`);
}

function allItems(chunk: ChunkRequest): number[] {
  return Array.from({ length: chunk.items.length }, (_, i) => chunk.start + i);
}

export function describeExit(details: ExitDetails): string | undefined {
  const error = details.error;
  if (error instanceof Error) {
    if ((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') return 'out of memory';
    return `uncaught ${error.name}: ${error.message}`;
  }
  return undefined;
}

/**
 * Workers that die before they are ready or while importing a task module, in a row with no
 * chunk finished in between, before the group stops respawning and fails the pending work.
 */
export const maxStartFailures = 5;

/** Counts failed starts; says when respawning would only go on failing. */
export class StartFailureGuard {
  #inARow = 0;

  /** A chunk finished: the workers can start. */
  succeeded(): void {
    this.#inARow = 0;
  }

  /** A worker died; `failedStart`: before it was ready, or while importing a task module. */
  exited(failedStart: boolean): void {
    if (failedStart) this.#inARow++;
  }

  /** The error that ends the pool instead of another respawn, or undefined to respawn. */
  verdict(details: ExitDetails): Error | undefined {
    if (this.#inARow < maxStartFailures) return undefined;
    if (details.spawnError !== undefined) {
      const failure = `${maxStartFailures} workers in a row could not be started`;
      return new WorkerInitError(details.spawnError, { failure, advice: 'See the cause: fix what it names (a missing `cwd`, a limit on processes or open files) and create a new Pool.' });
    }
    const reason = `${maxStartFailures} workers in a row died while starting or importing a task module; not respawning`;
    return new WorkerCrashedError({ ...details, items: [], reason, final: true }, { cause: details.error });
  }
}
