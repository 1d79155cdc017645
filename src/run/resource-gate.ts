/**
 * `--load` and `--memfree` as the runner applies them: a start waits while they forbid it, and
 * while jobs run under --memfree, memory is checked every second (see resources.ts).
 */
import { mayStart, memoryCritical, type ResourceLimits } from './resources.js';
import type { StopSignal } from './stop-signal.js';

export class ResourceGate {
  readonly #limits: ResourceLimits;
  readonly #stop: StopSignal;
  #memoryWatch: NodeJS.Timeout | undefined;

  constructor(limits: ResourceLimits, stop: StopSignal) {
    this.#limits = limits;
    this.#stop = stop;
  }

  /**
   * Waits while a limit forbids a start; false when a stop came first. The first call under
   * --memfree starts the watch that calls `onMemoryCritical` when memory runs short.
   */
  async allowStart(onMemoryCritical: () => void): Promise<boolean> {
    const limits = this.#limits;
    if (limits.maxLoad === undefined && limits.memfreeBytes === undefined) return true;
    if (limits.memfreeBytes !== undefined && this.#memoryWatch === undefined) {
      const memfreeBytes = limits.memfreeBytes;
      this.#memoryWatch = setInterval(() => {
        if (memoryCritical({ maxLoad: undefined, memfreeBytes })) onMemoryCritical();
      }, 1000);
      this.#memoryWatch.unref();
    }
    while (!mayStart(limits)) {
      if (!(await this.#stop.sleep(500))) return false;
    }
    return !this.#stop.stopped;
  }

  close(): void {
    clearInterval(this.#memoryWatch);
  }
}
