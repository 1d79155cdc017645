/**
 * The chunks of a backend that have not settled, in the order they were submitted: a list
 * threaded through the chunks themselves. A burst of tiny apply() calls keeps a hundred thousand
 * of them at once, and a Set's hash table then costs a slot and a rehash per chunk, where two
 * fields on the chunk cost nothing more.
 */

/** The two fields a chunk lends the list; nothing else reads or writes them. */
export interface Listed {
  listPrevious: Listed | undefined;
  listNext: Listed | undefined;
}

export class PendingChunks<C extends Listed> implements Iterable<C> {
  #first: C | undefined;
  #last: C | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(chunk: C): void {
    chunk.listPrevious = this.#last;
    chunk.listNext = undefined;
    if (this.#last === undefined) this.#first = chunk;
    else this.#last.listNext = chunk;
    this.#last = chunk;
    this.#size++;
  }

  /** Takes out a chunk that add() put in (once: BackendBase removes each chunk when it settles). */
  delete(chunk: C): void {
    const previous = chunk.listPrevious as C | undefined;
    const next = chunk.listNext as C | undefined;
    if (previous === undefined) this.#first = next;
    else previous.listNext = next;
    if (next === undefined) this.#last = previous;
    else next.listPrevious = previous;
    chunk.listPrevious = undefined;
    chunk.listNext = undefined;
    this.#size--;
  }

  /** In submission order. A chunk deleted during the loop is fine, as long as it is the current one. */
  *[Symbol.iterator](): Iterator<C> {
    let chunk = this.#first;
    while (chunk !== undefined) {
      const next = chunk.listNext as C | undefined;
      yield chunk;
      chunk = next;
    }
  }
}
