/**
 * Amdahl's law and the Karp-Flatt metric: how much of a program stays serial, read from the
 * speedups it reaches. With a serial fraction f, p workers give at best
 * S(p) = 1 / (f + (1 - f) / p), which never exceeds 1 / f however many workers there are.
 */

/** The serial fraction that explains a set of measured speedups, and where it caps the speedup. */
export interface AmdahlFit {
  /** Fraction of the one-worker time that does not get faster with more workers, from 0 to 1. */
  serialFraction: number;
  /** The speedup no number of workers can pass (1 / serialFraction); `null` when unbounded. */
  ceiling: number | null;
}

/**
 * The speedup Amdahl's law predicts for `workers` workers when `serialFraction` of the work
 * is serial.
 *
 * @example
 * ```ts
 * amdahlSpeedup(0.1, 4); // 3.0769...: 10 % serial work caps 4 workers at about 3.1×
 * ```
 */
export function amdahlSpeedup(serialFraction: number, workers: number): number {
  return 1 / (serialFraction + (1 - serialFraction) / workers);
}

/**
 * The Karp-Flatt metric: the serial fraction that one measured speedup implies,
 * e = (1/S - 1/p) / (1 - 1/p). If it grows with p, the overhead grows with the workers
 * (communication, contention); if it stays flat, the serial part is what limits you.
 * `null` for one worker, where it is undefined.
 *
 * @example
 * ```ts
 * karpFlatt(3, 4); // 0.111...: a 3× speedup on 4 workers means about 11 % serial work
 * ```
 */
export function karpFlatt(speedup: number, workers: number): number | null {
  if (workers <= 1) return null;
  return (1 / speedup - 1 / workers) / (1 - 1 / workers);
}

/**
 * Fits Amdahl's law to measured speedups by least squares on the relative time
 * T(p)/T(1) = 1/S = f + (1 - f)/p, which is linear in f: f = Σxy / Σx² with x = 1 - 1/p and
 * y = 1/S - 1/p. The fraction is clamped to [0, 1]; `null` without a point beyond one worker.
 *
 * @example
 * ```ts
 * fitAmdahl([{ workers: 1, speedup: 1 }, { workers: 2, speedup: 1.8 }, { workers: 4, speedup: 3 }]);
 * // { serialFraction: 0.111..., ceiling: 9 }: both points fit 1/9 serial work exactly
 * ```
 */
export function fitAmdahl(points: ReadonlyArray<{ workers: number; speedup: number }>): AmdahlFit | null {
  let sumXY = 0;
  let sumXX = 0;
  for (const { workers, speedup } of points) {
    if (workers <= 1) continue;
    const x = 1 - 1 / workers;
    sumXY += x * (1 / speedup - 1 / workers);
    sumXX += x * x;
  }
  if (sumXX === 0) return null;
  const serialFraction = Math.min(1, Math.max(0, sumXY / sumXX));
  return { serialFraction, ceiling: serialFraction === 0 ? null : 1 / serialFraction };
}
