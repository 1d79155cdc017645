/**
 * `multicore run`: runs shell jobs in parallel with GNU parallel's command-line syntax. See
 * docs/run.md for the supported options and what differs from GNU parallel.
 */
import { readFileSync } from 'node:fs';
import { RunUsageError } from '../run/errors.js';
import { parseRunArgs } from '../run/options.js';
import { JobRunner } from '../run/runner.js';

const usage = `Usage: multicore run [options] [command [arguments]] (::: values | :::: files)...
       multicore run [options] [command [arguments]] < list_of_arguments

Runs the command once per input line (or combination of ::: and :::: arguments), in parallel,
with GNU parallel's syntax and quoting. Options:
  -j, --jobs N|N%|+N|-N|0   jobs at once (default: usable cores; 0: as many as possible)
  -k, --keep-order          print output in input order
  --line-buffer, --lb       print whole lines as they come instead of whole jobs
  -u, --ungroup             let jobs write directly (output may interleave)
  --tag                     prefix each output line with the job's arguments and a tab
  -a, --arg-file FILE       read arguments from FILE (repeatable; like :::: FILE)
  -0, --null                records end with NUL instead of newline
  -d, --delimiter CHAR      records end with CHAR
  -C, --colsep REGEX        split each record into columns {1} {2} ...
  -r, --no-run-if-empty     skip blank records
  -q, --quote               quote the command words (run them without shell interpretation)
  --joblog FILE             log each job (GNU parallel's tab-separated format)
  --resume, --resume-failed skip the jobs FILE already logs (or logs as succeeded)
  --halt now|soon,fail|success|done=N|N%   stop early
  --retries N               run a failing job up to N times
  --timeout SECONDS|N%      kill jobs running longer (N% of the median runtime)
  --dry-run                 print the commands instead of running them
  --progress, --bar, --eta  show progress on stderr
Replacement strings: {} {.} {/} {//} {/.} {#} {%} and {1} {1.} {1/} {1//} {1/.} ...`;

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs `multicore run` with its arguments and returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  let runner: JobRunner;
  try {
    const options = parseRunArgs(argv);
    if (options.help) {
      console.log(usage);
      return 0;
    }
    if (options.version) {
      console.log(`multicore run ${packageVersion()} (GNU parallel compatible subset)`);
      return 0;
    }
    runner = new JobRunner(options);
  } catch (error) {
    return reportUsageError(error);
  }
  const onSignal = (signal: NodeJS.Signals): void => runner.interrupt(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await runner.run();
  } catch (error) {
    return reportUsageError(error);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // A stop (signal, --halt) can leave a read of stdin pending; it must not keep us alive.
    process.stdin.destroy();
  }
}

function reportUsageError(error: unknown): number {
  if (!(error instanceof RunUsageError)) throw error;
  process.stderr.write(`multicore run: ${error.message}\n`);
  return 255;
}
