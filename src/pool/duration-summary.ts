/**
 * Summaries of durations (run time, wait time) computed in one place, in bounded memory: a pool
 * in a server records millions of samples, so they go into a log-scale histogram whose buckets
 * are 1% wide, and percentiles are read from it (within 1% of the exact value, as HdrHistogram
 * does at two significant digits). Count, mean and max are exact.
 */

/** count, mean, p50, p90, p99 and max of a set of durations, in milliseconds (all 0 while count is 0). */
export interface DurationSummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Durations below this (1 µs) share the first bucket. */
const smallestMs = 1e-3;
/** Each bucket's upper edge is this many times its lower edge. */
const growth = 1.01;
const logGrowth = Math.log(growth);
/** 1 µs × 1.01^2400 ≈ 2e7 s: longer durations share the last bucket (max stays exact). */
const bucketCount = 2400;

export class DurationRecorder {
  readonly #buckets = new Float64Array(bucketCount);
  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = 0;

  /** Records one duration in milliseconds; a negative or NaN one (a clock step) counts as 0. */
  record(ms: number): void {
    const value = ms > 0 ? ms : 0;
    this.#buckets[bucketOf(value)]!++;
    this.#count++;
    this.#sum += value;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
  }

  /** The total of every duration recorded, in milliseconds. */
  get total(): number {
    return this.#sum;
  }

  summary(): DurationSummary {
    if (this.#count === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
    return {
      count: this.#count,
      mean: this.#sum / this.#count,
      p50: this.#percentile(0.5),
      p90: this.#percentile(0.9),
      p99: this.#percentile(0.99),
      max: this.#max,
    };
  }

  /** The smallest recorded value v with at least `fraction` of the samples <= v, to bucket precision. */
  #percentile(fraction: number): number {
    const rank = Math.max(1, Math.ceil(fraction * this.#count));
    let seen = 0;
    for (let bucket = 0; bucket < bucketCount; bucket++) {
      seen += this.#buckets[bucket]!;
      if (seen >= rank) return Math.min(this.#max, Math.max(this.#min, middleOf(bucket)));
    }
    return this.#max;
  }
}

function bucketOf(ms: number): number {
  if (ms <= smallestMs) return 0;
  return Math.min(bucketCount - 1, 1 + Math.floor(Math.log(ms / smallestMs) / logGrowth));
}

/** The geometric middle of a bucket: at most half a bucket (0.5%) from any value in it; the first reads as the minimum. */
function middleOf(bucket: number): number {
  if (bucket === 0) return 0;
  return smallestMs * growth ** (bucket - 0.5);
}
