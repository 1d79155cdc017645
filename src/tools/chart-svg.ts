/**
 * A speedup-vs-workers chart as a standalone SVG file: measured speedup per report, the ideal
 * line, each report's Amdahl fit, the oversubscribed region shaded, labelled axes and a legend
 * under the plot.
 */
import { amdahlSpeedup } from './amdahl.js';
import { speedupAxes, workerTicks } from './chart-scale.js';
import type { ScalingReport } from './scaling-analysis.js';

const WIDTH = 760;
/** Height of the title, plot and axis labels; the legend adds one row per report below. */
const CHART_HEIGHT = 480;
const MARGIN = { top: 56, right: 28, bottom: 64, left: 72 };
const LEGEND_ROW = 22;
const COLORS = ['#1f6fb4', '#d9534f', '#2e8b57', '#8e44ad', '#e08e0b'] as const;

/** Options of renderSvgChart(). */
export interface SvgChartOptions {
  /** Title at the top. Default: "Speedup vs workers". */
  title?: string;
}

/**
 * Renders speedup against workers for one or more reports as SVG text (write it to a `.svg` file).
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * import { renderSvgChart, scaling } from 'multicore';
 * await writeFile('speedup.svg', renderSvgChart([await scaling(work, items)]));
 * ```
 */
export function renderSvgChart(reports: readonly ScalingReport[], options: SvgChartOptions = {}): string {
  if (reports.length === 0) throw new RangeError('renderSvgChart(): give at least one report.');
  const axes = speedupAxes(reports);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = CHART_HEIGHT - MARGIN.top - MARGIN.bottom;
  // The legend sits under the plot, where it can never hide a curve.
  const height = CHART_HEIGHT + (reports.length + 1) * LEGEND_ROW + 12;
  const x = (workers: number) => MARGIN.left + ((workers - 1) / (axes.maxWorkers - 1)) * plotWidth;
  const y = (speedup: number) => MARGIN.top + plotHeight - (Math.min(speedup, axes.maxSpeedup) / axes.maxSpeedup) * plotHeight;
  const usable = reports[0]!.usableCores;
  const parts: string[] = [];

  parts.push(`<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${WIDTH / 2}" y="30" text-anchor="middle" font-size="18" font-weight="600">${escapeXml(options.title ?? 'Speedup vs workers')}</text>`);
  if (usable < axes.maxWorkers) {
    parts.push(`<rect x="${fixed(x(usable))}" y="${MARGIN.top}" width="${fixed(x(axes.maxWorkers) - x(usable))}" height="${plotHeight}" fill="#f3f3f3"/>`);
    parts.push(`<text x="${fixed(x(usable) + 6)}" y="${MARGIN.top + plotHeight - 8}" font-size="12" fill="#777">more workers than the ${usable} usable cores</text>`);
  }
  for (const tick of axes.speedupTicks) {
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${fixed(y(tick))}" y2="${fixed(y(tick))}" stroke="#e2e2e2"/>`);
    parts.push(`<text x="${MARGIN.left - 8}" y="${fixed(y(tick) + 4)}" text-anchor="end" font-size="12">${tick}×</text>`);
  }
  for (const tick of workerTicks(reports, axes.maxWorkers)) {
    parts.push(`<line x1="${fixed(x(tick))}" x2="${fixed(x(tick))}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight + 5}" stroke="#333"/>`);
    parts.push(`<text x="${fixed(x(tick))}" y="${MARGIN.top + plotHeight + 20}" text-anchor="middle" font-size="12">${tick}</text>`);
  }
  parts.push(`<path d="M${MARGIN.left} ${MARGIN.top}V${MARGIN.top + plotHeight}H${MARGIN.left + plotWidth}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${MARGIN.left + plotWidth / 2}" y="${CHART_HEIGHT - 18}" text-anchor="middle" font-size="14">workers</text>`);
  parts.push(`<text transform="translate(20 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="14">speedup (× one worker)</text>`);

  parts.push(`<line x1="${fixed(x(1))}" y1="${fixed(y(1))}" x2="${fixed(x(axes.maxWorkers))}" y2="${fixed(y(axes.maxWorkers))}" stroke="#999" stroke-width="1.5" stroke-dasharray="2 4"/>`);
  reports.forEach((report, index) => {
    const color = COLORS[index % COLORS.length]!;
    if (report.amdahl !== null) {
      const fit = report.amdahl;
      const samples = Array.from({ length: 101 }, (_, step) => 1 + (step / 100) * (axes.maxWorkers - 1));
      const path = samples.map((workers, step) => `${step === 0 ? 'M' : 'L'}${fixed(x(workers))} ${fixed(y(amdahlSpeedup(fit.serialFraction, workers)))}`).join('');
      parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="1.5" stroke-dasharray="7 5" opacity="0.7"/>`);
    }
    const line = report.points.map((point, step) => `${step === 0 ? 'M' : 'L'}${fixed(x(point.workers))} ${fixed(y(point.speedup))}`).join('');
    parts.push(`<path d="${line}" fill="none" stroke="${color}" stroke-width="2.5"/>`);
    for (const point of report.points) {
      parts.push(`<circle cx="${fixed(x(point.workers))}" cy="${fixed(y(point.speedup))}" r="4" fill="${color}"><title>${point.workers} workers: ${point.speedup.toFixed(2)}×</title></circle>`);
    }
  });
  parts.push(legend(reports, MARGIN.left, CHART_HEIGHT + 4));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" fill="#222">\n  ${parts.join('\n  ')}\n</svg>\n`;
}

/** One row per report (measured line, then its Amdahl fit), and a last row for the ideal line. */
function legend(reports: readonly ScalingReport[], left: number, top: number): string {
  const fitColumn = left + (WIDTH - left - MARGIN.right) / 2;
  const swatch = (x: number, y: number, attributes: string) => `<line x1="${x}" x2="${x + 26}" y1="${y}" y2="${y}" ${attributes}/>`;
  const label = (x: number, y: number, text: string) => `<text x="${x + 34}" y="${y + 4}" font-size="12">${escapeXml(text)}</text>`;
  const rows: string[] = [];
  let rowY = top + LEGEND_ROW / 2;
  reports.forEach((report, index) => {
    const color = COLORS[index % COLORS.length]!;
    rows.push(swatch(left, rowY, `stroke="${color}" stroke-width="2.5"`), `<circle cx="${left + 13}" cy="${rowY}" r="4" fill="${color}"/>`);
    rows.push(label(left, rowY, `${report.name} (measured)`));
    if (report.amdahl !== null) {
      const ceiling = report.amdahl.ceiling === null ? 'no ceiling' : `ceiling ${report.amdahl.ceiling.toFixed(1)}×`;
      rows.push(swatch(fitColumn, rowY, `stroke="${color}" stroke-width="1.5" stroke-dasharray="7 5" opacity="0.7"`));
      rows.push(label(fitColumn, rowY, `Amdahl fit: ${(report.amdahl.serialFraction * 100).toFixed(1)}% serial, ${ceiling}`));
    }
    rowY += LEGEND_ROW;
  });
  rows.push(swatch(left, rowY, 'stroke="#999" stroke-width="1.5" stroke-dasharray="2 4"'), label(left, rowY, 'ideal (speedup = workers)'));
  return `<g>${rows.join('')}</g>`;
}

function fixed(value: number): string {
  return Number(value.toFixed(2)).toString();
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
