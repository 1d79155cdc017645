/** Job slots ({%}, PARALLEL_JOBSLOT): numbered from 1, the lowest free one reused first. */
export class JobSlots {
  #next = 1;
  readonly #free: number[] = [];

  take(): number {
    if (this.#free.length === 0) return this.#next++;
    // Lowest free slot first, so {%} stays within 1..jobs and is reused like GNU parallel's.
    let lowest = 0;
    for (let i = 1; i < this.#free.length; i++) if (this.#free[i]! < this.#free[lowest]!) lowest = i;
    return this.#free.splice(lowest, 1)[0]!;
  }

  free(slot: number): void {
    this.#free.push(slot);
  }
}
