/** `-u`: jobs write straight to our stdout and stderr; nothing passes through us. */
import { InOrder, releaseInOrder } from '../in-order.js';
import type { OnPrinted, Output } from './output.js';
import { flushStandardStreams, writeOutput, type Stream } from './streams.js';

export class UngroupedOutput implements Output {
  readonly stdio = 'inherit';
  readonly #order: InOrder | undefined;
  readonly #onPrinted: OnPrinted;

  constructor(keepOrder: boolean, onPrinted: OnPrinted) {
    this.#order = keepOrder ? new InOrder() : undefined;
    this.#onPrinted = onPrinted;
  }

  begin(): void {}

  /** Only our own lines (-v) come here; the jobs' output does not pass through us. */
  data(_seq: number, stream: Stream, chunk: Buffer): void {
    writeOutput(stream, chunk);
  }

  discard(): void {}

  finish(seq: number): void {
    releaseInOrder(this.#order, seq, this.#onPrinted);
  }

  flush(): Promise<void> {
    return flushStandardStreams();
  }
}
