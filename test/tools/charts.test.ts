import { test } from 'node:test';
import assert from 'node:assert/strict';
import { amdahlSpeedup, renderSvgChart, renderTerminalChart, type ScalingReport } from '../../dist/index.js';
import { analyzeScaling } from '../../dist/tools/scaling-analysis.js';
import { createProgressBar } from '../../dist/tools/progress-bar.js';

/** A report whose one-worker run takes 1 s and whose p-worker run takes 1 / speedups[p - 1] s. */
function report(name: string, usableCores: number, speedups: number[]): ScalingReport {
  return analyzeScaling(name, 10, usableCores, speedups.map((speedup, index) => ({ workers: index + 1, runs: [1 / speedup] })));
}

/** The plot rows of a terminal chart, as arrays of cells, without the axis labels. */
function plotCells(chart: string, height = 14): string[][] {
  return chart.split('\n').slice(0, height).map((line) => [...line.slice(line.search(/[│┤]/) + 1)]);
}

test('terminal chart: points in their cells, the ideal diagonal, the usable-cores column and a legend', () => {
  const chart = renderTerminalChart([report('cpu', 2, [1, 1.8, 2, 1.5])]);
  const lines = chart.split('\n');
  assert.equal(lines.length, 14 + 3);
  const cells = plotCells(chart);
  // Axes: workers 1..4 over 60 columns (0, 20, 39, 59); speedup 0..4 over 14 rows (row = 13 - round(s / 4 * 13)).
  assert.equal(cells[10]![0], '●', '1 worker at 1×');
  assert.equal(cells[7]![20], '●', '2 workers at 1.8×');
  assert.equal(cells[6]![39], '●', '3 workers at 2×');
  assert.equal(cells[8]![59], '●', '4 workers at 1.5×');
  assert.equal(cells[0]![59], '·', 'the ideal line reaches 4× at 4 workers');
  // The fit through 1.8× at 2 workers is 1/9 serial, which predicts 3× at 4 workers (row 3).
  assert.equal(cells[3]![59], '-', 'the Amdahl fit at 4 workers');
  assert.equal(cells[0]![20], '¦', 'the usable cores are marked at 2 workers');
  assert.match(lines[6]!, /^2× ┤/);
  assert.match(lines[13]!, /^0× ┤/);
  assert.match(lines[15]!, /^ {4}1 {19}2 {18}3 {19}4  workers$/);
  assert.match(lines[16]!, /● cpu {3}· ideal {3}- Amdahl fit {3}¦ 2 usable cores/);
});

test('terminal chart: the Amdahl fit is drawn for one report, several reports get one marker each', () => {
  const single = renderTerminalChart([report('serial', 4, [1, 1.6, 2, 2.2])], { width: 30, height: 10 });
  assert.ok(plotCells(single, 10).flat().includes('-'), 'fit line drawn');
  assert.equal(plotCells(single, 10)[0]!.length, 30);

  const both = renderTerminalChart([report('a', 4, [1, 1.5]), report('b', 4, [1, 1.9])]);
  assert.ok(!plotCells(both).flat().includes('-'), 'no fit line with several reports');
  const legend = both.split('\n').at(-1)!;
  assert.match(legend, /● a {3}▲ b {3}· ideal {3}✱ several$/, 'both start at 1× on one cell, so they overlap there');
  assert.equal(plotCells(both).flat().filter((cell) => cell === '✱').length, 1);
  assert.throws(() => renderTerminalChart([]), RangeError);
});

/** Checks that every element that is opened is closed, in order: enough to catch broken markup. */
function assertBalancedXml(svg: string): void {
  const stack: string[] = [];
  for (const [tag, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (selfClosing === '/') continue;
    if (closing === '/') assert.equal(stack.pop(), name, `unexpected ${tag}`);
    else stack.push(name!);
  }
  assert.deepEqual(stack, []);
}

test('SVG chart: well-formed, labelled axes, one circle per point, the fit in the legend, names escaped', () => {
  const serial = analyzeScaling('a <b> & "c"', 10, 2, [1, 2, 3, 4].map((workers) => ({ workers, runs: [1 / amdahlSpeedup(0.2, workers)] })));
  const svg = renderSvgChart([serial, report('cpu', 2, [1, 1.9, 1.9, 1.8])], { title: 'Demo' });
  assertBalancedXml(svg);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="760" height="558" viewBox="0 0 760 558"/, "480 for the plot, 22 per legend row (2 reports + ideal), 12 of padding");
  assert.match(svg, />Demo<\/text>/);
  assert.match(svg, />workers<\/text>/);
  assert.match(svg, />speedup \(× one worker\)<\/text>/);
  assert.match(svg, />ideal \(speedup = workers\)<\/text>/);
  assert.equal(svg.match(/<circle /g)!.length, 8 + 2, 'eight points and two legend swatches');
  assert.match(svg, /Amdahl fit: 20\.0% serial, ceiling 5\.0×/);
  assert.match(svg, /a &#60;b&#62; &#38; &#34;c&#34; \(measured\)/);
  assert.ok(!svg.includes('a <b>'));
  assert.match(svg, /more workers than the 2 usable cores/);
  assert.ok(!renderSvgChart([report('cpu', 4, [1, 2, 3, 4])]).includes('more workers than'), 'no shading without oversubscription');
  assert.throws(() => renderSvgChart([]), RangeError);
});

test('progress bar: redraws in place on a TTY and erases itself; draws nothing elsewhere', () => {
  const written: string[] = [];
  const bar = createProgressBar({ isTTY: true, columns: 80, write: (text: string) => written.push(text) }, 4);
  bar.update(1, '1 worker');
  bar.update(4, '2 workers');
  bar.finish();
  assert.equal(written.length, 3);
  assert.equal(written[0], `\r\x1b[2K[${'█'.repeat(8)}${'░'.repeat(22)}] 1/4  1 worker`);
  assert.equal(written[1], `\r\x1b[2K[${'█'.repeat(30)}] 4/4  2 workers`);
  assert.equal(written[2], '\r\x1b[2K');

  const narrow: string[] = [];
  createProgressBar({ isTTY: true, columns: 20, write: (text: string) => narrow.push(text) }, 4).update(2, 'a long note');
  assert.equal(narrow[0], `\r\x1b[2K[${'█'.repeat(15)}${'░'.repeat(3)}`, 'cut to the terminal width');

  const unknownSize: string[] = [];
  createProgressBar({ isTTY: true, columns: 0, write: (text: string) => unknownSize.push(text) }, 4).update(4, 'done');
  assert.equal(unknownSize[0], `\r\x1b[2K[${'█'.repeat(30)}] 4/4  done`, 'a terminal that reports 0 columns gets 80');

  const piped: string[] = [];
  const silent = createProgressBar({ isTTY: false, write: (text: string) => piped.push(text) }, 4);
  silent.update(2);
  silent.finish();
  assert.deepEqual(piped, []);
});
