import { test } from 'node:test';
import assert from 'node:assert/strict';
import { amdahlSpeedup, fitAmdahl, karpFlatt } from '../../dist/index.js';
import { analyzeScaling, defaultWorkerCounts } from '../../dist/tools/scaling-analysis.js';

const close = (actual: number | null | undefined, expected: number, what: string) => {
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) < 1e-12, `${what}: expected ${expected}, got ${actual}`);
};

test("Amdahl's law by hand: S(p) = 1 / (f + (1 - f) / p)", () => {
  close(amdahlSpeedup(0.1, 4), 1 / 0.325, '10 % serial on 4 workers');
  close(amdahlSpeedup(0.2, 2), 1 / 0.6, '20 % serial on 2 workers');
  assert.equal(amdahlSpeedup(0, 8), 8);
  assert.equal(amdahlSpeedup(1, 8), 1);
  assert.equal(amdahlSpeedup(0.5, 1), 1);
});

test('Karp-Flatt by hand: e = (1/S - 1/p) / (1 - 1/p)', () => {
  close(karpFlatt(3, 4), 1 / 9, '3× on 4 workers');
  close(karpFlatt(1.6, 2), 0.25, '1.6× on 2 workers: (0.625 - 0.5) / 0.5');
  close(karpFlatt(4, 4), 0, 'ideal speedup');
  close(karpFlatt(1, 4), 1, 'no speedup at all');
  close(karpFlatt(0.5, 2), 3, 'a slowdown reads as more than everything serial');
  assert.equal(karpFlatt(1, 1), null);
});

test('fitAmdahl recovers an exact serial fraction and its ceiling', () => {
  const points = [1, 2, 4, 8].map((workers) => ({ workers, speedup: amdahlSpeedup(0.2, workers) }));
  const fit = fitAmdahl(points);
  close(fit?.serialFraction, 0.2, 'serial fraction');
  close(fit?.ceiling ?? null, 5, 'ceiling 1 / 0.2');
});

test('fitAmdahl on noisy points is the least-squares fraction computed by hand', () => {
  // x = 1 - 1/p, y = 1/S - 1/p: (0.5, 0.125) and (0.75, 0.15); f = Σxy / Σx² = 0.175 / 0.8125 = 14/65.
  const fit = fitAmdahl([{ workers: 1, speedup: 1 }, { workers: 2, speedup: 1.6 }, { workers: 4, speedup: 2.5 }]);
  close(fit?.serialFraction, 14 / 65, 'serial fraction');
  close(fit?.ceiling ?? null, 65 / 14, 'ceiling');
});

test('fitAmdahl clamps to [0, 1] and needs a point beyond one worker', () => {
  assert.deepEqual(fitAmdahl([{ workers: 1, speedup: 1 }, { workers: 2, speedup: 2.5 }]), { serialFraction: 0, ceiling: null });
  assert.deepEqual(fitAmdahl([{ workers: 1, speedup: 1 }, { workers: 2, speedup: 0.5 }]), { serialFraction: 1, ceiling: 1 });
  assert.equal(fitAmdahl([{ workers: 1, speedup: 1 }]), null);
  assert.equal(fitAmdahl([]), null);
});

test('analyzeScaling: fastest run, speedup, efficiency, Karp-Flatt, and a fit up to the usable cores only', () => {
  const report = analyzeScaling('sum', 100, 2, [
    { workers: 4, runs: [0.8] },
    { workers: 1, runs: [2.2, 2.0] },
    { workers: 2, runs: [1.25, 1.1] },
  ]);
  assert.deepEqual(report.points.map((point) => point.workers), [1, 2, 4]);
  assert.deepEqual(report.points.map((point) => point.seconds), [2.0, 1.1, 0.8]);
  assert.deepEqual(report.points[1]!.runs, [1.25, 1.1]);
  assert.equal(report.points[0]!.speedup, 1);
  assert.equal(report.points[0]!.karpFlatt, null);
  close(report.points[1]!.speedup, 2 / 1.1, 'speedup at 2');
  close(report.points[1]!.efficiency, 1 / 1.1, 'efficiency at 2');
  close(report.points[1]!.karpFlatt, 0.1, 'Karp-Flatt at 2: (0.55 - 0.5) / 0.5');
  close(report.points[2]!.speedup, 2.5, 'speedup at 4');
  close(report.points[2]!.karpFlatt, (0.4 - 0.25) / 0.75, 'Karp-Flatt at 4');
  // The 4-worker point is oversubscribed (2 usable cores), so only the 2-worker point is fitted.
  close(report.amdahl?.serialFraction, 0.1, 'fitted serial fraction');
  close(report.amdahl?.ceiling ?? null, 10, 'fitted ceiling');
  assert.equal(report.amdahl?.fittedUpTo, 2);
  assert.equal(report.name, 'sum');
  assert.equal(report.items, 100);
  assert.equal(report.usableCores, 2);
});

test('analyzeScaling needs the one-worker baseline; no fit without a second point within the cores', () => {
  assert.throws(() => analyzeScaling('x', 1, 2, [{ workers: 2, runs: [1] }]), RangeError);
  assert.equal(analyzeScaling('x', 1, 1, [{ workers: 1, runs: [1] }, { workers: 2, runs: [0.9] }]).amdahl, null);
});

test('default worker counts: 1 up to twice the usable cores, sparser past 8', () => {
  assert.deepEqual(defaultWorkerCounts(1), [1, 2]);
  assert.deepEqual(defaultWorkerCounts(2), [1, 2, 3, 4]);
  assert.deepEqual(defaultWorkerCounts(3), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(defaultWorkerCounts(8), [1, 2, 3, 4, 5, 6, 7, 8, 12, 16]);
  assert.deepEqual(defaultWorkerCounts(12), [1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 24]);
  assert.deepEqual(defaultWorkerCounts(16), [1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 24, 32]);
  assert.deepEqual(defaultWorkerCounts(8, 6), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(defaultWorkerCounts(4, 3), [1, 2, 3]);
  assert.deepEqual(defaultWorkerCounts(2, 10), [1, 2, 3, 4, 5, 6, 7, 8, 10]);
});
