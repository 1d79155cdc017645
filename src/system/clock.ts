/**
 * Milliseconds on a monotonic clock, for durations only (the difference of two readings). Not
 * `performance.now()`: in Node 20 the first read of the `performance` global loads perf_hooks and
 * its ten internal modules, in the pool and in every worker, at start-up.
 */
export function nowMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}
