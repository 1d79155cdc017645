/**
 * The first-in first-out queue of chunks waiting for a worker. A burst of 100,000 apply() calls
 * queues 100,000 chunks that leave in batches from the front; Array#splice(0, n) would move the
 * whole tail every time, so the front is an index and the array is compacted now and then.
 */
export class FifoQueue<T> {
  #items: T[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** The item that leaves next, if any. */
  get first(): T | undefined {
    return this.#items[this.#head];
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** Puts an item back at the front (a chunk handed back by a worker that died). */
  unshift(item: T): void {
    if (this.#head > 0) this.#items[--this.#head] = item;
    else this.#items.unshift(item);
  }

  /**
   * Removes and returns up to `count` items from the front, and, given `weight`, no more than
   * `budget` in weight (but always the first item, unless `firstWithinBudget`).
   */
  take(count: number, budget = Infinity, weight?: (item: T) => number, firstWithinBudget = false): T[] {
    let end = Math.min(this.#head + count, this.#items.length);
    if (budget !== Infinity && weight !== undefined) {
      let spent = 0;
      for (let i = this.#head; i < end; i++) {
        spent += weight(this.#items[i]!);
        if (spent > budget && (i > this.#head || firstWithinBudget)) {
          end = i;
          break;
        }
      }
    }
    const taken = this.#items.slice(this.#head, end);
    this.#head = end;
    this.#compact();
    return taken;
  }

  /** Removes one item wherever it is; false if it is not queued. */
  remove(item: T): boolean {
    const position = this.#items.indexOf(item, this.#head);
    if (position === -1) return false;
    this.#items.splice(position, 1);
    return true;
  }

  /** Removes and returns everything. */
  drain(): T[] {
    return this.take(this.length);
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.#head; i < this.#items.length; i++) yield this.#items[i]!;
  }

  /** Drops the consumed front once it is most of the array, so memory follows the queue's length. */
  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
