/**
 * Turns timings at several worker counts into the numbers that tell whether more workers help:
 * speedup, efficiency, the Karp-Flatt serial fraction at each point and an Amdahl's-law fit.
 * Pure: the measuring lives in scaling.ts.
 */
import { fitAmdahl, karpFlatt, type AmdahlFit } from './amdahl.js';

/** Seconds of each timed run at one worker count. */
export interface ScalingMeasurement {
  workers: number;
  runs: readonly number[];
}

/** One worker count of a scaling report. */
export interface ScalingPoint {
  workers: number;
  /** The fastest run, in seconds: the least disturbed by the rest of the machine. */
  seconds: number;
  /** Every timed run, in seconds. */
  runs: number[];
  /** Time with one worker divided by time with this many. */
  speedup: number;
  /** speedup / workers: 1 means every worker pulled its full weight. */
  efficiency: number;
  /** Serial fraction implied by this point (Karp-Flatt); `null` for one worker. */
  karpFlatt: number | null;
}

/** What scaling() reports for one workload. */
export interface ScalingReport {
  /** What was measured, e.g. the task's name. */
  name: string;
  /** Items processed per run. */
  items: number;
  /** The usable cores of this machine when it was measured. */
  usableCores: number;
  points: ScalingPoint[];
  /** Amdahl's law fitted to the points with at most `usableCores` workers; `null` if none beyond 1. */
  amdahl: (AmdahlFit & { fittedUpTo: number }) | null;
}

/**
 * Computes a ScalingReport from raw timings; one measurement must be for one worker, the baseline.
 *
 * @example
 * ```ts
 * const report = analyzeScaling('sum', 100, 2, [{ workers: 1, runs: [2.0] }, { workers: 2, runs: [1.1] }]);
 * report.points[1].speedup; // 1.818...
 * ```
 */
export function analyzeScaling(name: string, items: number, usableCores: number, measurements: readonly ScalingMeasurement[]): ScalingReport {
  const sorted = [...measurements].sort((a, b) => a.workers - b.workers);
  const baseline = sorted.find((measurement) => measurement.workers === 1);
  if (baseline === undefined) {
    throw new RangeError('analyzeScaling(): the measurements must include 1 worker, the baseline for speedup.');
  }
  const baselineSeconds = Math.min(...baseline.runs);
  const points = sorted.map(({ workers, runs }): ScalingPoint => {
    const seconds = Math.min(...runs);
    const speedup = baselineSeconds / seconds;
    return { workers, seconds, runs: [...runs], speedup, efficiency: speedup / workers, karpFlatt: karpFlatt(speedup, workers) };
  });
  // Amdahl's law is about p processors; past the usable cores, workers share them and the
  // curve flattens for a reason the law does not model, so those points stay out of the fit.
  const fitted = points.filter((point) => point.workers <= usableCores);
  const fit = fitAmdahl(fitted);
  const fittedUpTo = Math.max(...fitted.map((point) => point.workers));
  return { name, items, usableCores, points, amdahl: fit === null ? null : { ...fit, fittedUpTo } };
}

/**
 * The default worker counts: every count up to 8, then about two per doubling, up to `last`
 * (twice the usable cores unless given), so that the report shows what oversubscription does.
 *
 * @example
 * ```ts
 * defaultWorkerCounts(2);      // [1, 2, 3, 4]
 * defaultWorkerCounts(8);      // [1, 2, 3, 4, 5, 6, 7, 8, 12, 16]
 * defaultWorkerCounts(8, 6);   // [1, 2, 3, 4, 5, 6]
 * ```
 */
export function defaultWorkerCounts(usableCores: number, last = 2 * usableCores): number[] {
  const counts = new Set<number>();
  for (let workers = 1; workers <= Math.min(8, last); workers++) counts.add(workers);
  for (let power = 8; power <= last; power *= 2) {
    counts.add(power);
    if (power * 1.5 <= last) counts.add(power * 1.5);
  }
  if (usableCores <= last) counts.add(usableCores);
  counts.add(last);
  return [...counts].sort((a, b) => a - b);
}
