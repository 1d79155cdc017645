/**
 * The `spin` option's channel between the pool and one thread worker: a MessageChannel that
 * both sides can read synchronously (receiveMessageOnPort), and two counters in shared memory
 * that say when there is something to read. A thread that waits by polling the counter sees a
 * message a microsecond or two after it is posted, where a thread asleep in its event loop takes
 * tens of microseconds to be woken, which is most of a postMessage round trip.
 *
 * Messages still arrive as 'message' events when nobody polls, so a side that stops polling
 * misses nothing; polling only takes them sooner. Each message is counted after it is posted, so
 * a count above what a side has handled means a message is waiting in its port.
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { BusyPoll } from '../local/busy-poll.js';

/** Counters in the shared Int32Array: messages posted to the worker, and from it. */
const toWorker = 0;
const fromWorker = 1;

/** What the worker is given in its workerData (the port is transferred). */
export interface SpinEnd {
  port: MessagePort;
  counters: Int32Array;
  /** How long to poll, in milliseconds. */
  spinMs: number;
}

/** One side's view: where it reads, where it counts what it posts, and what it has handled. */
class SpinSide {
  #handled = 0;
  #polling = false;
  readonly #poller = new BusyPoll();

  constructor(
    readonly port: MessagePort,
    readonly counters: Int32Array,
    readonly incoming: number,
    readonly outgoing: number,
    readonly handle: (message: any) => void,
  ) {
    port.on('message', (message) => {
      this.#handled++;
      handle(message);
    });
  }

  post(message: unknown, transfer: readonly any[]): void {
    this.port.postMessage(message, transfer as any[]);
    Atomics.add(this.counters, this.outgoing, 1);
  }

  /** Whether a message posted to this side has not been handled yet. */
  get waiting(): boolean {
    return Atomics.load(this.counters, this.incoming) !== this.#handled;
  }

  /** Handles the messages waiting, if the counter says there are any; whether there were. */
  takeWaiting(): boolean {
    return this.waiting && this.drain();
  }

  /** Handles every message in the port now, in order; whether there was one. */
  drain(): boolean {
    let any = false;
    for (let received = receiveMessageOnPort(this.port); received !== undefined; received = receiveMessageOnPort(this.port)) {
      this.#handled++;
      any = true;
      this.handle(received.message);
    }
    return any;
  }

  /**
   * Polls for messages while `more()` holds, until none has come for spinMs since the last one
   * (or since the call) or the poll loses its core (local/busy-poll.ts); handles each as it
   * comes. A call from a handler it runs returns at once.
   */
  poll(spinMs: number, more: () => boolean): void {
    if (this.#polling || !more()) return;
    this.#polling = true;
    try {
      this.#poller.run(spinMs, () => (this.takeWaiting() ? (more() ? 'progress' : 'done') : more() ? 'nothing' : 'done'));
    } finally {
      this.#polling = false;
    }
  }
}

/** The pool's end, and what to give the worker (transfer its port). */
export function openSpinChannel(spinMs: number, handle: (message: any) => void): { parent: SpinSide; worker: SpinEnd } {
  const { port1, port2 } = new MessageChannel();
  const counters = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  const parent = new SpinSide(port1, counters, fromWorker, toWorker, handle);
  // The Worker object keeps the program alive while the pool waits for it; the port must not.
  port1.unref();
  return { parent, worker: { port: port2, counters, spinMs } };
}

/** The worker's end, from its workerData. */
export function joinSpinChannel(end: SpinEnd, handle: (message: any) => void): SpinSide {
  return new SpinSide(end.port, end.counters, toWorker, fromWorker, handle);
}

export type { SpinSide };
