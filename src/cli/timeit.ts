/** `multicore timeit`: time a JavaScript statement like `python -m timeit`, print like IPython. */
import { TimeitResult } from '../tools/timeit.js';
import { compileTimedRun } from '../tools/timeit-source.js';
import { autorange, repeatRuns } from '../tools/timer.js';
import { integerOption, runCommand, UsageError, type CommandOptions } from './tool-options.js';

const HELP = `Usage: multicore timeit [-n N] [-r R] [-s SETUP]... [-p P] [-q] [--json] STATEMENT...

Time a JavaScript statement and print IPython's %timeit line, e.g.
  7.24 ms ± 89.3 µs per loop (mean ± std. dev. of 7 runs, 100 loops each)

Options:
  -n, --number N     loops per run (default: 1, 10, 100, ... until a run takes 0.2 s)
  -r, --repeat R     runs (default: 7)
  -s, --setup CODE   run before each run, not timed; may be given several times
  -p, --precision P  significant digits (default: 3)
  -q, --quiet        print nothing
  --json             print the result as JSON (loops, repeat, allRuns, timings, average, ...)
  -h, --help         show this help

Several STATEMENT or --setup arguments are joined with newlines. Both run in one
async function, so the statement sees the setup's variables and may use await,
e.g. -s "const { createHash } = await import('node:crypto')". A statement that
begins with '-' goes after '--'.

Exit status: 0 success, 1 the setup or the statement threw (its stack is shown)
or does not parse, 2 wrong usage (unknown option, bad value).`;

/** Its options besides -h/--help. */
const options = {
  number: { type: 'string', short: 'n' },
  repeat: { type: 'string', short: 'r' },
  setup: { type: 'string', short: 's', multiple: true, default: [] },
  precision: { type: 'string', short: 'p' },
  quiet: { type: 'boolean', short: 'q', default: false },
  json: { type: 'boolean', default: false },
} satisfies CommandOptions;

/** Runs `multicore timeit` with the arguments after the command name; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  return runCommand(argv, { name: 'timeit', help: HELP, options, positionals: true }, async ({ values, positionals }) => {
    if (positionals.length === 0) throw new UsageError('give the statement to time, e.g. multicore timeit "[3, 1, 2].sort()"');
    const number = integerOption(values.number, '-n/--number', 1);
    const repeat = integerOption(values.repeat, '-r/--repeat', 1) ?? 7;
    const precision = integerOption(values.precision, '-p/--precision', 0) ?? 3;
    if (precision > 100) throw new UsageError(`-p/--precision must be at most 100, got ${precision}.`);

    const setup = values.setup.join('\n');
    const run = compileTimedRun(setup, positionals.join('\n'));
    let result: TimeitResult;
    try {
      const loops = number ?? (await autorange(run));
      result = new TimeitResult({ loops, allRuns: await repeatRuns(run, loops, repeat), precision });
    } catch (error) {
      throw new Error(describeThrow(error, setup === '' ? 0 : setup.split('\n').length));
    }
    if (values.quiet) return 0;
    if (values.json) {
      console.log(JSON.stringify(result, null, 2));
      return 0;
    }
    if (result.warning !== null) console.log(result.warning);
    console.log(result.toString());
    return 0;
  });
}

/** The compiled function's first line of body, after `async function anonymous(...\n) {\n`. */
const firstBodyLine = 3;

/**
 * "the statement threw" (or the setup), with the stack in the user's terms: frames of the compiled
 * code become `<statement>:line:column` or `<setup>:line:column`, and multicore's own frames go.
 */
export function describeThrow(error: unknown, setupLines: number): string {
  if (!(error instanceof Error)) return `the statement threw a non-Error value: ${String(error)}`;
  // The template: setup lines, then two lines of its own, then the statement.
  const statementStart = firstBodyLine + setupLines + 2;
  let part: 'setup' | 'statement' | undefined;
  const lines = (error.stack ?? `${error.name}: ${error.message}`).split('\n').flatMap((line) => {
    if (!line.startsWith('    at ')) return [line];
    const compiled = /^ {4}at (.*?) ?\(?eval at compileTimedRun .*<anonymous>:(\d+):(\d+)\)$/.exec(line);
    if (compiled !== null) {
      const lineNumber = Number(compiled[2]);
      const where = lineNumber < statementStart ? `<setup>:${lineNumber - firstBodyLine + 1}` : `<statement>:${lineNumber - statementStart + 1}`;
      part ??= lineNumber < statementStart ? 'setup' : 'statement';
      const name = compiled[1] === 'eval' || compiled[1] === '' ? '' : `${compiled[1]} `;
      return [`    at ${name}(${where}:${compiled[3]})`.replace(/^( {4}at )\((.*)\)$/, '$1$2')];
    }
    return isOwnOrInternal(line) ? [] : [line];
  });
  return `the ${part ?? 'statement'} threw ${lines.join('\n')}`;
}

const packageRoot = new URL('../../', import.meta.url);

function isOwnOrInternal(line: string): boolean {
  return line.includes(packageRoot.href) || line.includes(packageRoot.pathname) || /\(node:internal|at node:internal|\[eval\]/.test(line);
}
