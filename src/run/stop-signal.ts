/**
 * The run's stop: set by a signal, a broken stdout or --halt, after which no job (and no retry)
 * starts. Waits that may never end on their own (more input, --delay, --load) race it.
 */

/** What a wait raced against the stop resolves with when the stop came first. */
export const stopped = Symbol('stopped');

export class StopSignal {
  #stopped = false;
  /**
   * A listener set rather than racing one long-lived promise: each race would leave a reaction
   * on it holding its result (a --pipe block) for the rest of the run.
   */
  readonly #listeners = new Set<() => void>();

  get stopped(): boolean {
    return this.#stopped;
  }

  stop(): void {
    this.#stopped = true;
    for (const listener of this.#listeners) listener();
    this.#listeners.clear();
  }

  /** `promise`'s value, or `stopped` as soon as the run is stopped. */
  unlessStopped<T>(promise: Promise<T>): Promise<T | typeof stopped> {
    if (this.#stopped) return Promise.resolve(stopped);
    return new Promise((resolve, reject) => {
      const onStop = (): void => resolve(stopped);
      this.#listeners.add(onStop);
      promise.then(
        (value) => {
          this.#listeners.delete(onStop);
          resolve(value);
        },
        (error: unknown) => {
          this.#listeners.delete(onStop);
          reject(error as Error);
        },
      );
    });
  }

  /** Sleeps `ms`; false when the stop came first (or had come already). */
  async sleep(ms: number): Promise<boolean> {
    const slept = await this.unlessStopped(new Promise<void>((resolve) => setTimeout(resolve, ms)));
    return slept !== stopped && !this.#stopped;
  }
}
