/**
 * What `multicore run` was asked to do: the options read from its command line (see options.ts),
 * each with GNU parallel's default.
 */
import { parseTermseq, type Termseq, type TimeoutSpec } from './timeout.js';
import type { HaltPolicy } from './halt.js';
import { defaultReplacementNames, type ReplacementNames } from './template/template.js';
// The same count the Pool uses by default: CPU affinity and the cgroup CPU quota both lower it.
import { usableCores } from '../system/sysinfo.js';

/** Where job arguments come from; `linked` (`:::+`, `::::+`) pairs it with the source before. */
export type InputSource =
  | { kind: 'values'; values: string[]; linked: boolean }
  | { kind: 'file'; path: string; linked: boolean };

export type OutputMode = 'group' | 'line-buffer' | 'ungroup';

/** How many records one job takes: one, a fixed number (-n/-N/-L), or as many as fit (-X/-m). */
export type Batching =
  | { kind: 'one' }
  | { kind: 'count'; records: number }
  | { kind: 'lines'; lines: number }
  | { kind: 'fill'; distribute: boolean };

export interface PipeOptions {
  blockBytes: number;
  recstart: string;
  recend: string;
}

export interface RunOptions {
  /** The command words before the first `:::`/`::::`; empty when the arguments are commands. */
  command: string[];
  sources: InputSource[];
  jobs: number;
  keepOrder: boolean;
  output: OutputMode;
  tag: boolean;
  tagstring: string | undefined;
  /** A file, `-` for stdout; `append` for GNU's `+FILE`. */
  joblog: { path: string; append: boolean } | undefined;
  resume: 'no' | 'all' | 'failed';
  retryFailed: boolean;
  halt: HaltPolicy | undefined;
  /** Attempts per job in all; Infinity for `--retries 0` (GNU: retry until it succeeds). */
  retries: number;
  timeout: TimeoutSpec | undefined;
  termseq: Termseq;
  dryRun: boolean;
  progress: 'none' | 'progress' | 'bar' | 'eta';
  /** Record separator of stdin and files: `\n`, `\0` with -0, or -d's. */
  delimiter: string;
  colsep: RegExp | undefined;
  skipEmpty: boolean;
  quoteCommand: boolean;
  header: string | undefined;
  link: boolean;
  batching: Batching;
  contextReplace: boolean;
  names: ReplacementNames;
  plus: boolean;
  delaySeconds: number;
  shuffle: boolean;
  /** -v prints each command line to stdout with its output, -t to stderr when it starts. */
  verbose: 'none' | 'stdout' | 'stderr';
  workdir: string | undefined;
  results: string | undefined;
  files: boolean;
  pipe: PipeOptions | undefined;
  /** --load: start jobs only while fewer processes run; --memfree: while this much memory is free. */
  maxLoad: number | undefined;
  memfreeBytes: number | undefined;
  /** --redis URL: jobs run on `multicore worker --shell` processes through this queue. */
  redis: { url: string; queue: string } | undefined;
  /** `:::` and `::::`, or what --arg-sep and --arg-file-sep name instead. */
  separators: { values: string; files: string };
  /** --number-of-cores and friends: print this and exit. */
  print: 'cores' | 'threads' | 'sockets' | undefined;
  help: boolean;
  version: boolean;
}

/** Every option at its default, as a run without options gets them. */
export function defaults(): RunOptions {
  return {
    command: [],
    sources: [],
    jobs: usableCores(),
    keepOrder: false,
    output: 'group',
    tag: false,
    tagstring: undefined,
    joblog: undefined,
    resume: 'no',
    retryFailed: false,
    halt: undefined,
    retries: 1,
    timeout: undefined,
    termseq: parseTermseq('TERM,200,TERM,100,TERM,50,KILL,25'),
    dryRun: false,
    progress: 'none',
    delimiter: '\n',
    colsep: undefined,
    skipEmpty: false,
    quoteCommand: false,
    header: undefined,
    link: false,
    batching: { kind: 'one' },
    contextReplace: false,
    names: defaultReplacementNames,
    plus: false,
    delaySeconds: 0,
    shuffle: false,
    verbose: 'none',
    workdir: undefined,
    results: undefined,
    files: false,
    pipe: undefined,
    print: undefined,
    separators: { values: ':::', files: '::::' },
    redis: undefined,
    maxLoad: undefined,
    memfreeBytes: undefined,
    help: false,
    version: false,
  };
}
