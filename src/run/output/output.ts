/**
 * What happens to the jobs' stdout and stderr. By default each job's output is held until it
 * ends and then written in one piece (never interleaved with another job's), in memory up to a
 * bound and in a temporary file past it; `--line-buffer` writes whole lines as they come; `-u`
 * lets the jobs write to our stdout and stderr directly; `--results`/`--files` store it in
 * files. `-k` releases jobs in job-number order; `--tag`/`--tagstring` prefix every line.
 * Once a job's output is written, `onPrinted` is told (the joblog follows it, as in GNU).
 */
import { FileOutput } from './files.js';
import { GroupedOutput, LineBufferedOutput } from './piped.js';
import type { Stream } from './streams.js';
import { UngroupedOutput } from './ungrouped.js';

export type { Stream } from './streams.js';
export { writeOutput } from './streams.js';

export interface Output {
  /** How the jobs' stdout and stderr are wired: through us, or straight to our own. */
  readonly stdio: 'pipe' | 'inherit';
  /** A job (or a retry of it) starts; `tag` is the --tag/--tagstring prefix, as bytes. */
  begin(seq: number, tag: string, values: readonly string[]): void;
  data(seq: number, stream: Stream, chunk: Buffer): void;
  /** The job's attempt failed and will be retried, or was killed: forget what it wrote. */
  discard(seq: number): void;
  /** The job is over (its last attempt ended, it was killed, or skipped by --resume). */
  finish(seq: number): void;
  /** Resolves once everything written has been handed to the operating system. */
  flush(): Promise<void>;
}

export type OnPrinted = (seq: number) => void;

export interface OutputChoice {
  mode: 'group' | 'line-buffer' | 'ungroup';
  keepOrder: boolean;
  tagged: boolean;
  results: { root: string; names: () => readonly string[] } | undefined;
  files: boolean;
}

export function createOutput(choice: OutputChoice, onPrinted: OnPrinted): Output {
  if (choice.results !== undefined || choice.files) return new FileOutput(choice.keepOrder, choice.results, choice.files, onPrinted);
  switch (choice.mode) {
    case 'group':
      return new GroupedOutput(choice.keepOrder, choice.tagged, onPrinted);
    case 'line-buffer':
      return new LineBufferedOutput(choice.keepOrder, choice.tagged, onPrinted);
    case 'ungroup':
      return new UngroupedOutput(choice.keepOrder, onPrinted);
  }
}
