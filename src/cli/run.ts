/**
 * `multicore run`: runs shell jobs in parallel with GNU parallel's command-line syntax. See
 * docs/run.md for the supported options and what differs from GNU parallel.
 */
import { RunUsageError } from '../run/errors.js';
import { parseRunArgs, type RunOptions } from '../run/options.js';
import { JobRunner } from '../run/runner.js';
import { packageVersion } from './package-version.js';

const usage = `Usage: multicore run [options] [command [arguments]] (::: values | :::: files)...
       multicore run [options] [command [arguments]] < list_of_arguments
       cat file | multicore run --pipe [options] [command [arguments]]

Runs the command once per input line (or combination of ::: and :::: arguments), in parallel,
with GNU parallel's syntax and quoting. Options (see docs/run.md for all of them):
  -j, --jobs N|N%|+N|-N|0   jobs at once (default: usable cores; 0: as many as possible)
  -k, --keep-order          print output in input order
  --line-buffer, --lb       print whole lines as they come instead of whole jobs
  -u, --ungroup             let jobs write directly (output may interleave)
  --tag, --tagstring STR    prefix each output line with the arguments (or STR) and a tab
  -a, --arg-file FILE       read arguments from FILE (repeatable; like :::: FILE)
  :::+ / ::::+, --link      take input sources side by side instead of every combination
  -0, --null, -d DELIM      records end with NUL, or with DELIM (escapes like \\n, \\0, \\001)
  -C, --colsep REGEX        split each record into columns {1} {2} ...
  --header :                the first record names the columns ({name})
  -r, --no-run-if-empty     skip blank records
  -n N, -N N, -L N          N arguments (or lines) per job
  -X, -m, --xargs           as many arguments per job as fit on a command line
  -I STR                    use STR instead of {}
  --plus                    {..} {...} {+.} {##} {:1:2} {%.gz} ... replacement strings
  -q, --quote               quote the command words (run them without shell interpretation)
  --pipe [--block N] [--recstart S] [--recend S]   feed blocks of stdin to the jobs
  --joblog FILE|+FILE|-     log each job (GNU parallel's tab-separated format)
  --resume, --resume-failed, --retry-failed        rerun from the joblog
  --halt now|soon,fail|success|done=N|N%   stop early
  --retries N               run a failing job up to N times (0: until it succeeds)
  --timeout SECONDS|N%      kill jobs running longer (N% of the median runtime)
  --termseq SIG,MS,...      how jobs are stopped (default TERM,200,TERM,100,TERM,50,KILL,25)
  --delay S, --shuf, --wd DIR, -v, -t, --results DIR, --files, --dry-run
  --progress, --bar, --eta  show progress on stderr
  --number-of-cores, --number-of-threads, --number-of-sockets
Replacement strings: {} {.} {/} {//} {/.} {#} {%} and {1} {1.} {1/} {1//} {1/.} {-1} ...`;

async function printCount(what: NonNullable<RunOptions['print']>): Promise<void> {
  if (what === 'sockets') {
    const { readCpuSockets } = await import('../system/cpu-topology.js');
    // Not Linux: one socket is the usual answer and what GNU parallel says when it cannot tell.
    console.log(readCpuSockets('/') ?? 1);
    return;
  }
  const { sysinfo } = await import('../system/sysinfo.js');
  const { cores } = sysinfo();
  console.log(what === 'threads' ? cores.logical : cores.physical ?? cores.logical);
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
    if (options.print !== undefined) {
      await printCount(options.print);
      return 0;
    }
    runner = new JobRunner(options);
  } catch (error) {
    return reportUsageError(error);
  }
  const onSignal = (signal: NodeJS.Signals): void => runner.interrupt(signal);
  const onHangup = (): void => runner.hangup();
  const onOutputError = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE') runner.brokenPipe();
    else throw error;
  };
  process.stdout.on('error', onOutputError);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onHangup);
  try {
    return await runner.run();
  } catch (error) {
    return reportUsageError(error);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onHangup);
    // Writes still queued may fail with EPIPE after we return: they must not crash the exit.
    if (process.stdout.listenerCount('error') === 1) process.stdout.on('error', () => {});
    process.stdout.off('error', onOutputError);
    // A stop (signal, --halt) can leave a read of stdin pending; it must not keep us alive.
    process.stdin.destroy();
  }
}

function reportUsageError(error: unknown): number {
  if (!(error instanceof RunUsageError)) throw error;
  process.stderr.write(`multicore run: ${error.message}\n`);
  return 255;
}
