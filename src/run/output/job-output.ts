/**
 * What the runner writes for one job besides the job's own output: its command line for
 * --dry-run and -v/-t, and our message when its shell cannot be started; and the job's events
 * turned into output (its bytes, counted for the joblog) and into the runner's two endings.
 */
import type { CommandLine } from '../command-lines.js';
import type { JobEvents } from '../launch/launcher.js';
import type { RunOptions } from '../options.js';
import type { RunningJob } from '../running-job.js';
import type { Output } from './output.js';

const line = (text: string) => Buffer.from(`${text}\n`, 'latin1');

/** --dry-run: the command line, through the output so that -k and --tag order and label it as a real run would. */
export function printDryRun(output: Output, seq: number, command: CommandLine): void {
  output.begin(seq, command.tag, command.columns);
  output.data(seq, 'stdout', line(command.command));
  output.finish(seq);
}

/** The job starts: its output opens, and -v (stdout) or -t (stderr) print its command line first. */
export function beginJobOutput(output: Output, verbose: RunOptions['verbose'], job: RunningJob): void {
  const { seq, command } = job;
  output.begin(seq, job.line.tag, job.line.columns);
  if (verbose === 'stdout') output.data(seq, 'stdout', line(command));
  if (verbose === 'stderr') process.stderr.write(line(command));
}

/** The launcher's events of `job`: output goes to `output`, the endings to the runner. */
export function jobEvents(output: Output, shell: string, job: RunningJob, endings: Pick<JobEvents, 'launchFailed' | 'closed'>): JobEvents {
  const { seq } = job;
  return {
    output: (stream, chunk) => {
      if (stream === 'stdout') job.received += chunk.length;
      output.data(seq, stream, chunk);
    },
    startFailed: (error) => output.data(seq, 'stderr', Buffer.from(`multicore run: cannot start ${shell}: ${error.message}\n`)),
    ...endings,
  };
}
