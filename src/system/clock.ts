/**
 * Milliseconds on a monotonic clock, for durations only (the difference of two readings).
 *
 * The first reads use process.hrtime(), which needs no module: in Node 20 the first read of the
 * `performance` global loads perf_hooks and its ten internal modules, which a pool and each of
 * its workers would pay at start-up. But hrtime() makes an array every call, and the pool reads
 * the clock for every chunk on both sides, so a program that keeps reading it (past
 * `readsBeforeSwitch`) moves to performance.now(), which makes nothing, shifted to read the
 * same as hrtime did: a duration that spans the switch stays right.
 */
const readsBeforeSwitch = 1_000;
let reads = 0;
let offset = 0;
let read = fromHrtime;

export function nowMs(): number {
  return read();
}

function hrtimeMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}

function fromHrtime(): number {
  if (++reads < readsBeforeSwitch) return hrtimeMs();
  // The first read loads perf_hooks (about a millisecond): not within the readings compared. Of
  // three readings between two of hrtime, the tightest gives the offset, so that a thread
  // descheduled in the middle of one does not shift the clock.
  performance.now();
  let tightest = Infinity;
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = hrtimeMs();
    const reading = performance.now();
    const after = hrtimeMs();
    if (after - before < tightest) {
      tightest = after - before;
      offset = (before + after) / 2 - reading;
    }
  }
  read = fromPerformance;
  return read();
}

function fromPerformance(): number {
  return performance.now() + offset;
}
