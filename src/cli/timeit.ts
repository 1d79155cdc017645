/** `multicore timeit`: time a JavaScript statement like `python -m timeit`, print like IPython. */
import { parseArgs } from 'node:util';
import { TimeitResult } from '../tools/timeit.js';
import { compileTimedRun } from '../tools/timeit-source.js';
import { autorange, repeatRuns } from '../tools/timer.js';
import { integerOption, runCommand, UsageError } from './tool-options.js';

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
begins with '-' goes after '--'.`;

/** Runs `multicore timeit` with the arguments after the command name; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  return runCommand('timeit', async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        number: { type: 'string', short: 'n' },
        repeat: { type: 'string', short: 'r' },
        setup: { type: 'string', short: 's', multiple: true, default: [] },
        precision: { type: 'string', short: 'p' },
        quiet: { type: 'boolean', short: 'q', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError('give the statement to time, e.g. multicore timeit "[3, 1, 2].sort()"');
    const number = integerOption(values.number, '-n/--number', 1);
    const repeat = integerOption(values.repeat, '-r/--repeat', 1) ?? 7;
    const precision = integerOption(values.precision, '-p/--precision', 0) ?? 3;
    if (precision > 100) throw new UsageError(`-p/--precision must be at most 100, got ${precision}.`);

    const run = compileTimedRun(values.setup.join('\n'), positionals.join('\n'));
    const loops = number ?? (await autorange(run));
    const result = new TimeitResult({ loops, allRuns: await repeatRuns(run, loops, repeat), precision });
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
