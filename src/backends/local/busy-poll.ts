/**
 * Polling for the spin option (thread/spin-channel.ts), on the side of the pool and of a worker:
 * a loop that checks for a message for up to a window, and that gives up when it finds it has
 * no core of its own. Polling pays only when the thread it waits for runs at the same time on
 * another core; when the two share a core, each poll holds the core the other needs, and a round
 * trip costs a whole window or more. A loop that finds a gap between two of its own checks was
 * taken off its core (another thread needed it, or the collector ran), so it stops polling, and
 * does not poll again for a while, longer each time it happens again.
 */

/** A gap this long between two checks of the loop (each takes well under a microsecond) means it lost its core. */
const preemptedAfterMs = 0.05;
/**
 * How long a poller that lost its core sleeps in its event loop instead, before it polls again:
 * doubled at each loss in a row up to the longest, halved at each poll that ended done. A lone
 * pause of the collector costs a few milliseconds of ordinary round trips; a core shared for good
 * keeps the poller asleep 200 ms at a time.
 */
const shortestBackOffMs = 2;
const longestBackOffMs = 200;

// The clock is performance.now(), not system/clock.ts's nowMs(): a loop that reads it at every
// check must not allocate, and the perf_hooks it loads are paid only by pools that spin.
export class BusyPoll {
  #pollAgainAt = 0;
  #backOffMs = 0;

  /**
   * Calls `check` until it says 'done', or `windowMs` passes with 'nothing' since the start or
   * since it last said 'progress' (it handled something and there is more to wait for), or the
   * loop lost its core; returns whether it ended done.
   */
  run(windowMs: number, check: () => 'done' | 'progress' | 'nothing'): boolean {
    let last = performance.now();
    if (last < this.#pollAgainAt) return false;
    let deadline = last + windowMs;
    for (;;) {
      const seen = check();
      if (seen === 'done') {
        this.#backOffMs /= 2;
        return true;
      }
      const now = performance.now();
      // Only an empty check measures the loop: one that handled a message ran its code too.
      if (seen === 'nothing' && now - last > preemptedAfterMs) {
        this.#backOffMs = Math.min(longestBackOffMs, Math.max(shortestBackOffMs, this.#backOffMs * 2));
        this.#pollAgainAt = now + this.#backOffMs;
        return false;
      }
      last = now;
      if (seen === 'progress') deadline = now + windowMs;
      else if (now >= deadline) return false;
    }
  }
}

/** What the caller's poll needs of a worker group. */
interface PolledGroup {
  slots: readonly { chunks: { size: number }; handle: { takeMessages?(): boolean } }[];
  /** Chunks the group runs at once. */
  concurrency: number;
  /** The average time of a chunk, undefined before the first. */
  chunkMs: number | undefined;
  /** Chunks not settled yet. */
  pending(): number;
}

/**
 * The caller's side of the spin option, after a pump that left nothing queued: when every
 * pending chunk is in a worker and chunks are short, the caller most likely awaits them and
 * nothing else, so it polls for their replies for up to `spinMs`, until one has come, instead of
 * sleeping until they arrive (see thread/spin-channel.ts).
 */
export function pollForReplies(poll: BusyPoll, spinMs: number, group: PolledGroup): void {
  const waiting = group.pending();
  if (waiting === 0 || waiting > group.concurrency || (group.chunkMs !== undefined && group.chunkMs > spinMs)) return;
  poll.run(spinMs, () => {
    for (const slot of group.slots) if (slot.chunks.size > 0) slot.handle.takeMessages?.();
    return group.pending() === waiting ? 'nothing' : 'done';
  });
}
