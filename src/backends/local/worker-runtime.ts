/**
 * Runs in the worker (thread or child process), never in the parent: receives batches of
 * chunks and runs them in arrival order, up to one per lane of the progress register at once
 * (concurrentTasksPerWorker), each chunk's items one after another. Outcomes go back one message
 * per batch, or at once when the pool may stop the worker (see `post` below). Thread and process
 * workers differ only in how they post messages, and threads have a start gate (start-gate.ts).
 */
import { cachedTask, resolveTask } from '../../tasks/resolve.js';
import type { TaskContext } from '../../tasks/task-context.js';
import { markAsWorker } from '../../tasks/worker-flag.js';
import { unpackChunks } from '../../transport/batch-codec.js';
import { serializeError } from '../../transport/error-codec.js';
import type { ChunkOutcome, ChunkRequest, ToWorkerMessage } from '../../transport/messages.js';
import { unknownMessage } from '../../transport/messages.js';
import { collectTransfers } from '../../transport/transfer.js';
import { unsendableValue } from '../../transport/unsendable.js';
import { cancelReason, runChunk, type ChunkChannel } from './chunk-runner.js';
import { isInert, postOutcomes } from './outcome-post.js';
import type { StartGate } from './start-gate.js';

export interface WorkerChannel extends ChunkChannel {
  /** Threads: how the pool keeps the worker from starting chunks before it stops it. */
  gate?: StartGate;
}

export interface Runtime {
  /** Handles a message from the pool. */
  handle(message: ToWorkerMessage): void;
  /**
   * Sends the outcomes of the chunks finished and not sent yet. The worker entries call it when
   * the worker is about to die (process.exit(), an uncaught error), so that no finished chunk's
   * result is lost with it.
   */
  flush(): void;
  /**
   * Whether the worker has nothing to do until its next message: initialized, no chunk queued or
   * running, no broadcast running. A worker that polls for messages (spin) only polls then, since
   * polling holds its event loop.
   */
  idle(): boolean;
}

interface Queued {
  chunk: ChunkRequest;
  /** Chunks of its 'run' message not finished yet. */
  batch: { left: number };
}

/** Starts the runtime; returns the handler for messages from the pool. */
export function startRuntime(channel: WorkerChannel): Runtime {
  markAsWorker();
  const { progress, gate } = channel;
  const queue: Queued[] = [];
  const freeLanes = Array.from({ length: progress.lanes }, (_, lane) => progress.lanes - 1 - lane);
  /** Chunks running now, by lane. */
  const running = new Map<number, ChunkRequest>();
  // The pool's first message is always 'init'; chunks may arrive before it and wait.
  let markInitialized!: (succeeded: boolean) => void;
  const initialized = new Promise<boolean>((resolve) => {
    markInitialized = resolve;
  });
  /** Set once the initializer succeeded; a worker whose initializer failed runs no chunk (it is stopped). */
  let ready = false;
  void initialized.then((succeeded) => {
    ready = succeeded;
    startChunks();
  });
  /** Task contexts of the chunks running now, by chunk id: where a 'cancel' finds its signal. */
  const contexts = new Map<number, TaskContext>();
  /** Finished chunks whose outcomes have not been posted yet, and how many batches they complete. */
  let unsent: { chunk: ChunkRequest; outcome: ChunkOutcome }[] = [];
  let batchesDone = 0;
  let broadcastsRunning = 0;

  /** `marked`: say in the register that results are being sent, so a death now fails them all (and only them). */
  function post(marked: boolean): void {
    const finished = unsent;
    const done = batchesDone;
    // Taken first: a death while they are serialized must not send them twice from the exit hook.
    unsent = [];
    batchesDone = 0;
    if (marked) progress.sending(true);
    postOutcomes(channel.post, finished.map((entry) => entry.chunk), finished.map((entry) => entry.outcome), done);
    if (marked) progress.sending(false);
  }

  function startChunks(): void {
    while (ready && queue.length > 0 && freeLanes.length > 0) {
      // The pool may stop us during this chunk (a timeout, an abort): report what is done first.
      if (queue[0]!.chunk.stoppable === true && unsent.length > 0) post(true);
      if (gate !== undefined && !gate.enter()) {
        // The pool is stopping this worker: what is finished goes now, and nothing more starts.
        if (unsent.length > 0) post(true);
        gate.waitWhileClosed();
        continue;
      }
      const next = queue.shift()!;
      const lane = freeLanes.pop()!;
      running.set(lane, next.chunk);
      progress.start(lane, next.chunk.id);
      gate?.leave();
      const outcome = runChunk(next.chunk, lane, channel, contexts);
      if (outcome instanceof Promise) {
        void outcome.then((finished) => {
          laneFinished(next, lane, finished);
          startChunks();
        });
      } else {
        // Finished already (no item awaited): the loop goes on to the next chunk.
        laneFinished(next, lane, outcome);
      }
    }
  }

  function laneFinished({ chunk, batch }: Queued, lane: number, outcome: ChunkOutcome): void {
    running.delete(lane);
    unsent.push({ chunk, outcome });
    if (--batch.left === 0) batchesDone++;
    // Batched only while nothing runs that the pool may stop us for. Otherwise the register goes
    // from "running it" to "sending it" with no moment between, so that the pool, stopping us,
    // never takes a finished result for lost, nor a task that stopped in time for still running.
    const sendNow = batchesDone > 0 || chunk.stoppable === true || anyStoppable(running.values());
    if (sendNow) progress.sending(true);
    progress.leave(lane);
    if (sendNow) post(true);
    freeLanes.push(lane);
  }

  return {
    handle(message) {
      switch (message.type) {
        case 'run': {
          progress.received();
          const chunks = unpackChunks(message.chunks);
          const batch = { left: chunks.length };
          for (const chunk of chunks) queue.push({ chunk, batch });
          startChunks();
          return;
        }
        case 'init':
          void runInitializer(channel, message.initializer).then(markInitialized);
          return;
        case 'broadcast':
          broadcastsRunning++;
          void initialized
            .then((succeeded) => (succeeded ? runBroadcast(channel, message) : undefined))
            .then(() => broadcastsRunning--);
          return;
        case 'cancel':
          contexts.get(message.chunkId)?.cancel.abort(cancelReason(message.why));
          return;
        default:
          unknownMessage(message);
      }
    },
    flush() {
      // The worker is dying of something else: the register must keep saying what it was running,
      // and no getter may run now (one that exits would hide why the worker died). Results that
      // could run code while serialized stay behind; the pool reports them lost, never reruns them.
      unsent = unsent.filter((entry) => entry.outcome.results.every((result) => isInert(result)));
      if (unsent.length > 0) post(false);
    },
    idle: () => ready && queue.length === 0 && running.size === 0 && broadcastsRunning === 0,
  };
}

/** Runs a broadcast task once, beside whatever chunks run; answers 'broadcastDone'. Never throws. */
async function runBroadcast(channel: WorkerChannel, message: Extract<ToWorkerMessage, { type: 'broadcast' }>): Promise<void> {
  let result: unknown;
  try {
    const fn = cachedTask(message.task) ?? (await resolveTask(message.task));
    result = await fn(...message.args);
  } catch (error) {
    channel.post({ type: 'broadcastDone', id: message.id, error: serializeError(error) }, []);
    return;
  }
  try {
    channel.post({ type: 'broadcastDone', id: message.id, result }, collectTransfers([result]));
  } catch (error) {
    const failure = unsendableValue('The result of the broadcast task cannot be sent back from the worker', result, 'result', error);
    channel.post({ type: 'broadcastDone', id: message.id, error: serializeError(failure) }, []);
  }
}

/** Runs the pool's initializer once, before any chunk; answers 'ready' or 'initFailed'. */
async function runInitializer(channel: WorkerChannel, initializer: Extract<ToWorkerMessage, { type: 'init' }>['initializer']): Promise<boolean> {
  if (initializer !== undefined) {
    try {
      const fn = await resolveTask(initializer.task);
      await fn(...initializer.args);
    } catch (error) {
      channel.post({ type: 'initFailed', error: serializeError(error) }, []);
      return false;
    }
  }
  channel.post({ type: 'ready' }, []);
  return true;
}

/** Whether any of `chunks` may be stopped by the pool; a loop, since this runs once per finished chunk. */
function anyStoppable(chunks: Iterable<ChunkRequest>): boolean {
  for (const chunk of chunks) if (chunk.stoppable === true) return true;
  return false;
}
