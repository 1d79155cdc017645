/**
 * `multicore scale`: time one exported function (or the three demo workloads) at 1, 2, ...
 * workers and show whether more workers made it faster: a table, a terminal chart, an
 * Amdahl's-law fit, optionally an SVG chart or JSON.
 */
import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PoolOptions } from '../options/pool-options.js';
import { renderSvgChart } from '../tools/chart-svg.js';
import { renderTerminalChart } from '../tools/chart-terminal.js';
import { demoWorkloads } from '../tools/demo-workloads.js';
import { formatTime } from '../tools/format-time.js';
import { createProgressBar } from '../tools/progress-bar.js';
import { defaultWorkerCounts, type ScalingReport } from '../tools/scaling-analysis.js';
import { measureWorkload, type Workload } from '../tools/scaling.js';
import { usableCores } from '../system/sysinfo.js';
import { integerOption, runCommand, UsageError, type CommandOptions } from './tool-options.js';

const DEFAULT_ITEMS = 48;

const HELP = `Usage: multicore scale <module>#<export> [options]
       multicore scale --demo [options]

Run the same work with 1, 2, ... workers and show how the speedup compares with
the ideal (speedup = workers): time, speedup, efficiency, the Karp-Flatt serial
fraction at each point, and Amdahl's law fitted to the points up to the usable cores.

The export is called with the items 0, 1, ..., N-1 through Pool.map; the module
path is relative to the current directory (module.mjs#work, ./dist/jobs.js#resize).

Options:
  --items N          items per run (default: ${DEFAULT_ITEMS})
  --max-workers N    largest worker count (default: twice the usable cores)
  --repeat R         timed runs per worker count, the fastest counts (default: 3)
  --backend NAME     Pool backend (default: the Pool's default, 'thread')
  --svg FILE         also write the chart as an SVG file
  --json             print the reports as JSON (an array, one per workload)
  --demo             measure three built-in workloads: CPU-bound, memory-bound
                     (a mean over 32 MiB per worker) and CPU-bound with a serial part
  -h, --help         show this help

A TypeScript module needs a loader: NODE_OPTIONS='--import tsx' multicore scale ./tasks.ts#f.

Exit status: 0 success, 1 the measurement failed (the module or export could not
be loaded, the task threw), 2 wrong usage (unknown option, bad value, an --svg
path that cannot be written).

A progress bar is drawn on stderr while measuring when stderr is a terminal
(never with --json).`;

/** Its options besides -h/--help. */
const options = {
  items: { type: 'string' },
  'max-workers': { type: 'string' },
  repeat: { type: 'string' },
  backend: { type: 'string' },
  svg: { type: 'string' },
  json: { type: 'boolean', default: false },
  demo: { type: 'boolean', default: false },
} satisfies CommandOptions;

/** Runs `multicore scale` with the arguments after the command name; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  return runCommand(argv, { name: 'scale', help: HELP, options, positionals: true }, async ({ values, positionals }) => {
    const items = integerOption(values.items, '--items', 1);
    const maxWorkers = integerOption(values['max-workers'], '--max-workers', 1);
    const repeat = integerOption(values.repeat, '--repeat', 1) ?? 3;
    const workloads = chooseWorkloads(values.demo, positionals, items);
    const workers = defaultWorkerCounts(usableCores(), maxWorkers);
    const backend = chooseBackend(values.backend);
    // Checked before measuring, which may take minutes: a typo must not cost them.
    if (values.svg !== undefined) await checkWritable(values.svg);

    const reports = await measureAll(workloads, { workers, repeat, backend }, !values.json).catch((error: unknown) => {
      throw typeScriptHint(error, positionals[0]) ?? error;
    });
    if (values.svg !== undefined) {
      await writeFile(values.svg, renderSvgChart(reports, { title: reports.length === 1 ? `Speedup of ${reports[0]!.name}` : 'Speedup vs workers' }));
    }
    if (values.json) {
      console.log(JSON.stringify(reports, null, 2));
      return 0;
    }
    console.log(reports.map(renderReport).join('\n\n'));
    console.log(`\n${renderTerminalChart(reports)}`);
    if (values.svg !== undefined) console.log(`\nChart written to ${values.svg}`);
    return 0;
  });
}

const backends = ['thread', 'process'] as const;

function chooseBackend(value: string | undefined): PoolOptions['backend'] {
  if (value === undefined) return undefined;
  if (!(backends as readonly string[]).includes(value)) {
    throw new UsageError(`--backend must be ${backends.map((name) => `'${name}'`).join(' or ')}, got '${value}'.`);
  }
  return value as PoolOptions['backend'];
}

/** The chart's file must be creatable (or overwritable) where it is asked for. */
async function checkWritable(path: string): Promise<void> {
  const target = resolve(path);
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory() === true) throw new UsageError(`--svg ${path} is a directory; give the path of the file to write.`);
  try {
    await access(existing === undefined ? dirname(target) : target, constants.W_OK);
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ENOENT' ? `the folder ${dirname(target)} does not exist` : 'it is not writable';
    throw new UsageError(`--svg ${path} cannot be written: ${reason}.`);
  }
}

/** A TypeScript module that plain node could not import: say how to run it. */
function typeScriptHint(error: unknown, target: string | undefined): Error | undefined {
  const cause = (error as { code?: string; cause?: { code?: string } } | undefined);
  if (cause?.code !== 'ERR_TASK_LOAD' || cause.cause?.code !== 'ERR_UNKNOWN_FILE_EXTENSION' || target === undefined) return undefined;
  return new Error(
    `${target.slice(0, target.lastIndexOf('#'))} is TypeScript, which this node cannot import. Run multicore under tsx: ` +
      `NODE_OPTIONS='--import tsx' npx multicore scale ${target} (or give the compiled .js).`,
  );
}

function chooseWorkloads(demo: boolean, positionals: string[], items: number | undefined): Array<Workload<number>> {
  if (demo) {
    if (positionals.length > 0) throw new UsageError('give either --demo or <module>#<export>, not both.');
    return demoWorkloads(items);
  }
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'give the work to measure as <module>#<export>, or --demo.' : `give one <module>#<export>, got ${positionals.length} arguments.`);
  }
  const target = positionals[0]!;
  const hash = target.lastIndexOf('#');
  if (hash <= 0 || hash === target.length - 1) {
    throw new UsageError(`the work must be given as <module>#<export>, e.g. ./tasks.mjs#fib, got '${target}'.`);
  }
  const name = target.slice(hash + 1);
  const module = pathToFileURL(resolve(target.slice(0, hash))).href;
  return [{ name, task: { module, name }, items: Array.from({ length: items ?? DEFAULT_ITEMS }, (_, index) => index) }];
}

async function measureAll(
  workloads: Array<Workload<number>>,
  options: { workers: number[]; repeat: number; backend: PoolOptions['backend'] },
  showProgress: boolean,
): Promise<ScalingReport[]> {
  const runsEach = options.workers.length * options.repeat;
  const bar = createProgressBar(showProgress ? process.stderr : { isTTY: false, write: () => true }, workloads.length * runsEach);
  const reports: ScalingReport[] = [];
  try {
    for (const workload of workloads) {
      const before = reports.length * runsEach;
      bar.update(before, `${workload.name}: ${options.workers[0]} worker`);
      reports.push(await measureWorkload(workload, {
        ...options,
        onProgress: ({ done, workers }) => bar.update(before + done, `${workload.name}: ${workers} worker${workers === 1 ? '' : 's'}`),
      }));
    }
  } finally {
    bar.finish();
  }
  return reports;
}

/** One workload's table and its Amdahl fit. */
export function renderReport(report: ScalingReport): string {
  const header = ['workers', 'time', 'speedup', 'efficiency', 'Karp-Flatt'];
  const rows = report.points.map((point) => [
    String(point.workers),
    formatTime(point.seconds),
    `${point.speedup.toFixed(2)}×`,
    `${Math.round(point.efficiency * 100)}%`,
    point.karpFlatt === null ? '-' : point.karpFlatt.toFixed(3),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padStart(widths[column]!)).join('   ');
  const runs = report.points[0]!.runs.length;
  return [
    `${report.name}: ${report.items} items, fastest of ${runs} run${runs === 1 ? '' : 's'} per worker count, ${report.usableCores} usable cores`,
    line(header),
    ...rows.map(line),
    amdahlLine(report),
  ].join('\n');
}

function amdahlLine(report: ScalingReport): string {
  const fit = report.amdahl;
  if (fit === null) return "Amdahl fit: needs a point with 2 or more workers within the usable cores";
  const ceiling = fit.ceiling === null ? 'no ceiling' : `predicted ceiling ${fit.ceiling.toFixed(1)}×`;
  return `Amdahl fit (1-${fit.fittedUpTo} workers): serial fraction ${(fit.serialFraction * 100).toFixed(1)}%, ${ceiling}`;
}
