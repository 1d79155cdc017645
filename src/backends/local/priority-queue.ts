/**
 * The queue of chunks waiting for a worker, by priority: higher priorities leave first, equal
 * ones in submission order. Almost every pool uses one priority, so each priority is a FIFO band
 * of its own (fifo-queue.ts) and a pool with one band costs what a plain FIFO costs.
 * It also keeps the weight (items) of what waits, so that `maxQueue` and `stats.queued` read it
 * without walking the queue.
 */
import { FifoQueue } from './fifo-queue.js';

export class PriorityQueue<T> {
  /** Bands by priority; `#priorities` lists the non-empty ones, highest first. */
  readonly #bands = new Map<number, FifoQueue<T>>();
  #priorities: number[] = [];
  #length = 0;
  #weight = 0;
  readonly #priorityOf: (item: T) => number;
  readonly #weightOf: (item: T) => number;

  constructor(priorityOf: (item: T) => number, weightOf: (item: T) => number) {
    this.#priorityOf = priorityOf;
    this.#weightOf = weightOf;
  }

  /** Items waiting. */
  get length(): number {
    return this.#length;
  }

  /** The total weight of the items waiting. */
  get weight(): number {
    return this.#weight;
  }

  /** The item that leaves next, if any. */
  get first(): T | undefined {
    return this.#length === 0 ? undefined : this.#bands.get(this.#priorities[0]!)!.first;
  }

  /** Queues an item behind every other of its priority. */
  push(item: T): void {
    this.#band(this.#priorityOf(item)).push(item);
    this.#added(item);
  }

  /** Puts an item back in front of every other of its priority (a chunk handed back by a worker that died). */
  unshift(item: T): void {
    this.#band(this.#priorityOf(item)).unshift(item);
    this.#added(item);
  }

  /**
   * Removes and returns up to `count` items, highest priority first, and, given a budget, no more
   * than `budget` in weight (but always the first item).
   */
  take(count: number, budget = Infinity): T[] {
    if (this.#priorities.length === 1) return this.#taken(this.#takeFrom(this.#priorities[0]!, count, budget, false));
    const taken: T[] = [];
    let spent = 0;
    while (taken.length < count && this.#priorities.length > 0) {
      const priority = this.#priorities[0]!;
      const before = taken.length;
      const items = this.#takeFrom(priority, count - taken.length, budget - spent, taken.length > 0);
      for (const item of items) {
        spent += this.#weightOf(item);
        taken.push(item);
      }
      // The band kept items back for the budget: lower bands must not overtake them.
      if (taken.length === before || this.#bands.has(priority)) break;
    }
    return this.#taken(taken);
  }

  /** Removes one item wherever it is; false if it is not queued. */
  remove(item: T): boolean {
    const priority = this.#priorityOf(item);
    const band = this.#bands.get(priority);
    if (band === undefined || !band.remove(item)) return false;
    if (band.length === 0) this.#dropBand(priority);
    this.#length--;
    this.#weight -= this.#weightOf(item);
    return true;
  }

  /** Removes and returns everything, highest priority first. */
  drain(): T[] {
    return this.take(Infinity);
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (const priority of this.#priorities) yield* this.#bands.get(priority)!;
  }

  #band(priority: number): FifoQueue<T> {
    let band = this.#bands.get(priority);
    if (band === undefined) {
      band = new FifoQueue<T>();
      this.#bands.set(priority, band);
      let at = 0;
      while (at < this.#priorities.length && this.#priorities[at]! > priority) at++;
      this.#priorities.splice(at, 0, priority);
    }
    return band;
  }

  #takeFrom(priority: number, count: number, budget: number, firstWithinBudget: boolean): T[] {
    const band = this.#bands.get(priority)!;
    const items = band.take(count, budget, this.#weightOf, firstWithinBudget);
    if (band.length === 0) this.#dropBand(priority);
    return items;
  }

  #dropBand(priority: number): void {
    this.#bands.delete(priority);
    this.#priorities.splice(this.#priorities.indexOf(priority), 1);
  }

  #added(item: T): void {
    this.#length++;
    this.#weight += this.#weightOf(item);
  }

  #taken(items: T[]): T[] {
    this.#length -= items.length;
    for (const item of items) this.#weight -= this.#weightOf(item);
    return items;
  }
}
