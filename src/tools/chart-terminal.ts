/**
 * A speedup-vs-workers chart in plain text, for the terminal: the ideal line (speedup = workers),
 * each report's measured points, and for a single report its Amdahl fit.
 */
import { amdahlSpeedup } from './amdahl.js';
import { speedupAxes, workerTicks } from './chart-scale.js';
import type { ScalingReport } from './scaling-analysis.js';

/** Size of the plotting area in characters. */
export interface TerminalChartOptions {
  /** Columns of the plot, without the axis labels. Default: 60. */
  width?: number;
  /** Rows of the plot. Default: 14. */
  height?: number;
}

const MARKERS = ['●', '▲', '■', '◆', '★'] as const;
const IDEAL = '·';
const FIT = '-';
/** Where points of different reports land on the same cell. */
const OVERLAP = '✱';

/**
 * Draws speedup against workers for one or more reports (several share one chart with one marker
 * each, `✱` where two land on one cell); a `¦` column marks the usable cores when more workers
 * than that were measured.
 *
 * @example
 * ```ts
 * import { renderTerminalChart, scaling } from 'multicore';
 * console.log(renderTerminalChart([await scaling(work, items)]));
 * ```
 */
export function renderTerminalChart(reports: readonly ScalingReport[], options: TerminalChartOptions = {}): string {
  const width = Math.max(10, options.width ?? 60);
  const height = Math.max(5, options.height ?? 14);
  if (reports.length === 0) throw new RangeError('renderTerminalChart(): give at least one report.');
  const axes = speedupAxes(reports);
  const grid = Array.from({ length: height }, () => Array.from({ length: width }, () => ' '));
  const column = (workers: number) => Math.round(((workers - 1) / (axes.maxWorkers - 1)) * (width - 1));
  const row = (speedup: number) => height - 1 - Math.round((Math.min(speedup, axes.maxSpeedup) / axes.maxSpeedup) * (height - 1));
  const put = (x: number, y: number, mark: string) => {
    if (y >= 0 && y < height && x >= 0 && x < width) grid[y]![x] = mark;
  };

  const usable = reports[0]!.usableCores;
  if (usable < axes.maxWorkers) for (let y = 0; y < height; y++) put(column(usable), y, '¦');
  for (let x = 0; x < width; x++) {
    const workers = 1 + (x / (width - 1)) * (axes.maxWorkers - 1);
    put(x, row(workers), IDEAL);
    const fit = reports.length === 1 ? reports[0]!.amdahl : null;
    if (fit !== null) put(x, row(amdahlSpeedup(fit.serialFraction, workers)), FIT);
  }
  const marked = new Map<string, string>();
  reports.forEach((report, index) => {
    const marker = MARKERS[index % MARKERS.length]!;
    for (const point of report.points) {
      const cell = `${column(point.workers)},${row(point.speedup)}`;
      const earlier = marked.get(cell);
      const mark = earlier === undefined || earlier === marker ? marker : OVERLAP;
      marked.set(cell, mark);
      put(column(point.workers), row(point.speedup), mark);
    }
  });

  const labels = grid.map((_, y) => {
    const tick = axes.speedupTicks.find((value) => row(value) === y);
    return tick === undefined ? '' : `${tick}×`;
  });
  const labelWidth = Math.max(...labels.map((label) => label.length));
  const lines = grid.map((cells, y) => `${labels[y]!.padStart(labelWidth)} ${labels[y] === '' ? '│' : '┤'}${cells.join('')}`);
  lines.push(`${' '.repeat(labelWidth)} └${'─'.repeat(width)}`);
  lines.push(`${' '.repeat(labelWidth + 2)}${xAxisLabels(workerTicks(reports, axes.maxWorkers), column, width)}  workers`);
  lines.push(legend(reports, usable < axes.maxWorkers, [...marked.values()].includes(OVERLAP)));
  return lines.join('\n');
}

function xAxisLabels(ticks: number[], column: (workers: number) => number, width: number): string {
  const cells = Array.from({ length: width + 4 }, () => ' ');
  let free = 0;
  for (const tick of ticks) {
    const text = String(tick);
    const start = Math.min(Math.max(column(tick) - Math.floor((text.length - 1) / 2), free), cells.length - text.length);
    if (start < free) continue;
    for (let i = 0; i < text.length; i++) cells[start + i] = text[i]!;
    free = start + text.length + 1;
  }
  return cells.join('').trimEnd();
}

function legend(reports: readonly ScalingReport[], showCores: boolean, showOverlap: boolean): string {
  const entries = reports.map((report, index) => `${MARKERS[index % MARKERS.length]} ${report.name}`);
  entries.push(`${IDEAL} ideal`);
  const fit = reports.length === 1 ? reports[0]!.amdahl : null;
  if (fit !== null) entries.push(`${FIT} Amdahl fit`);
  if (showOverlap) entries.push(`${OVERLAP} several`);
  if (showCores) entries.push(`¦ ${reports[0]!.usableCores} usable cores`);
  return `  ${entries.join('   ')}`;
}
