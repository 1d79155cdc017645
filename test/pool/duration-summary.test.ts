import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DurationRecorder } from '../../src/pool/duration-summary.js';

/** The exact nearest-rank percentile, to compare the histogram's reading with. */
function exactPercentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(fraction * sorted.length)) - 1]!;
}

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= expected * 0.01, `${what}: ${actual} is within 1% of ${expected}`);
}

describe('duration summaries', () => {
  it('an empty recorder reports zeros', () => {
    assert.deepEqual(new DurationRecorder().summary(), { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 });
  });

  it('one sample is every percentile, exactly', () => {
    const recorder = new DurationRecorder();
    recorder.record(12.5);
    assert.deepEqual(recorder.summary(), { count: 1, mean: 12.5, p50: 12.5, p90: 12.5, p99: 12.5, max: 12.5 });
  });

  it('count, mean and max are exact; percentiles within 1% over a wide spread', () => {
    const recorder = new DurationRecorder();
    const values: number[] = [];
    // A long-tailed spread from 10 µs to 10 s, in a fixed pseudo-random order.
    let seed = 7;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 48271) % 2147483647;
      const value = 0.01 * 10 ** ((seed / 2147483647) * 6);
      values.push(value);
      recorder.record(value);
    }
    const summary = recorder.summary();
    assert.equal(summary.count, values.length);
    near(summary.mean, values.reduce((a, b) => a + b, 0) / values.length, 'mean');
    assert.equal(summary.max, Math.max(...values));
    near(summary.p50, exactPercentile(values, 0.5), 'p50');
    near(summary.p90, exactPercentile(values, 0.9), 'p90');
    near(summary.p99, exactPercentile(values, 0.99), 'p99');
    assert.ok(summary.p50 <= summary.p90 && summary.p90 <= summary.p99 && summary.p99 <= summary.max, 'percentiles are ordered');
  });

  it('a bimodal set: p50 in the fast mode, p99 in the slow one', () => {
    const recorder = new DurationRecorder();
    for (let i = 0; i < 95; i++) recorder.record(1);
    for (let i = 0; i < 5; i++) recorder.record(100);
    const { p50, p90, p99, max } = recorder.summary();
    near(p50, 1, 'p50');
    near(p90, 1, 'p90');
    near(p99, 100, 'p99');
    assert.equal(max, 100);
  });

  it('negative and NaN durations (a clock step) count as 0; the total adds what was recorded', () => {
    const recorder = new DurationRecorder();
    recorder.record(-3);
    recorder.record(Number.NaN);
    recorder.record(4);
    const summary = recorder.summary();
    assert.equal(summary.count, 3);
    assert.equal(summary.max, 4);
    assert.equal(recorder.total, 4);
    assert.equal(summary.p50, 0);
  });
});
