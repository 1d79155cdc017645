/** The axes both speedup charts share, so the terminal and the SVG agree on what they show. */
import type { ScalingReport } from './scaling-analysis.js';

/** Range of a speedup chart: workers from 1 to the largest count, speedup from 0 up. */
export interface SpeedupAxes {
  maxWorkers: number;
  maxSpeedup: number;
  /** Speedup gridlines/labels, from 0. */
  speedupTicks: number[];
}

/** Axes that hold the ideal line and every measured point of every report. */
export function speedupAxes(reports: readonly ScalingReport[]): SpeedupAxes {
  const points = reports.flatMap((report) => report.points);
  const maxWorkers = Math.max(2, ...points.map((point) => point.workers));
  const highest = Math.max(maxWorkers, ...points.map((point) => point.speedup));
  const step = niceStep(highest / 5);
  const maxSpeedup = Math.ceil(highest / step) * step;
  const speedupTicks: number[] = [];
  for (let tick = 0; tick <= maxSpeedup + step / 2; tick += step) speedupTicks.push(Number(tick.toPrecision(12)));
  return { maxWorkers, maxSpeedup, speedupTicks };
}

/** 1, 2 or 5 times a power of ten, at least `rough`. */
export function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= rough) return factor * power;
  return 10 * power;
}

/** Worker counts worth a label on the x axis: all of them when few, else about ten. */
export function workerTicks(reports: readonly ScalingReport[], maxWorkers: number): number[] {
  const counts = [...new Set(reports.flatMap((report) => report.points.map((point) => point.workers)))].sort((a, b) => a - b);
  if (counts.length <= 12) return counts;
  const step = niceStep(maxWorkers / 10);
  const ticks = [1];
  for (let tick = step; tick <= maxWorkers; tick += step) ticks.push(tick);
  return ticks;
}
