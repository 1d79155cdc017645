/**
 * Releases job numbers 1, 2, 3... in order as they are reported done in any order: what -k
 * needs for output, and for the joblog (GNU parallel logs a job when it prints its output).
 */
export class InOrder {
  next = 1;
  readonly #done = new Set<number>();

  release(seq: number, emit: (seq: number) => void): void {
    this.#done.add(seq);
    while (this.#done.has(this.next)) {
      this.#done.delete(this.next);
      emit(this.next++);
    }
  }
}

/** Emits `seq` now without -k (no order), or once every job before it is done with it. */
export function releaseInOrder(order: InOrder | undefined, seq: number, emit: (seq: number) => void): void {
  if (order === undefined) emit(seq);
  else order.release(seq, emit);
}
