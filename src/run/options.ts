/**
 * The options of `multicore run`, read from a GNU parallel style command line by a hand parser:
 * `[options] [command words...] [::: values... | :::: files...]...`. Options come first
 * (GNU's "require order"), short flags may be bundled (`-kj4`), long ones take `--name value` or
 * `--name=value`, and the first word that is not an option starts the command. As in GNU
 * parallel, the options in `$PARALLEL_HOME/config` (default `~/.parallel/config`) and then in
 * `$PARALLEL` come before the command line's own.
 *
 * Every value taken from the command line is turned into a byte string (one character per byte,
 * see inputs.ts), so that commands and arguments are handled as bytes throughout.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { RunUsageError } from './errors.js';
import { parseHalt, type HaltPolicy } from './halt.js';
import { parseJobs } from './jobs.js';
import { parseTermseq, parseTimeout, type Termseq, type TimeoutSpec } from './timeout.js';
import { defaultReplacementNames, type ReplacementNames } from './template.js';
import { parseSize } from './pipe.js';
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

type Setter = (options: RunOptions, value: string) => void;

interface OptionSpec {
  names: string[];
  /** Present when the option takes a value. */
  set?: Setter;
  flag?: (options: RunOptions) => void;
}

const accepted = (): void => {};

const specs: OptionSpec[] = [
  { names: ['-j', '-P', '--jobs', '--max-procs'], set: (o, v) => { o.jobs = parseJobs(v, usableCores()); } },
  { names: ['-k', '--keep-order', '--keeporder'], flag: (o) => { o.keepOrder = true; } },
  { names: ['-u', '--ungroup'], flag: (o) => { o.output = 'ungroup'; } },
  { names: ['--group'], flag: (o) => { o.output = 'group'; } },
  { names: ['--line-buffer', '--linebuffer', '--lb'], flag: (o) => { o.output = 'line-buffer'; } },
  { names: ['--tag'], flag: (o) => { o.tag = true; } },
  { names: ['--tagstring', '--tag-string'], set: (o, v) => { o.tagstring = v; } },
  { names: ['--joblog', '--jl'], set: (o, v) => { o.joblog = v.startsWith('+') && v.length > 1 ? { path: fromBytes(v.slice(1)), append: true } : { path: fromBytes(v), append: false }; } },
  { names: ['--resume'], flag: (o) => { o.resume = o.resume === 'failed' ? 'failed' : 'all'; } },
  { names: ['--resume-failed'], flag: (o) => { o.resume = 'failed'; } },
  { names: ['--retry-failed'], flag: (o) => { o.retryFailed = true; } },
  { names: ['--halt', '--halt-on-error'], set: (o, v) => { o.halt = parseHalt(v); } },
  { names: ['--retries'], set: (o, v) => { const n = parseCount('--retries', v); o.retries = n === 0 ? Infinity : n; } },
  { names: ['--timeout'], set: (o, v) => { o.timeout = parseTimeout(v); } },
  { names: ['--termseq'], set: (o, v) => { o.termseq = parseTermseq(v); } },
  { names: ['--dry-run', '--dryrun'], flag: (o) => { o.dryRun = true; } },
  { names: ['--progress'], flag: (o) => { o.progress = 'progress'; } },
  { names: ['--bar'], flag: (o) => { o.progress = 'bar'; } },
  { names: ['--eta'], flag: (o) => { o.progress = 'eta'; } },
  { names: ['-0', '--null'], flag: (o) => { o.delimiter = '\0'; } },
  { names: ['-d', '--delimiter'], set: (o, v) => { o.delimiter = parseDelimiter(v); } },
  { names: ['-C', '--colsep'], set: (o, v) => { o.colsep = parseColsep(v); } },
  { names: ['-a', '--arg-file', '--argfile'], set: (o, v) => { o.sources.push({ kind: 'file', path: fromBytes(v), linked: false }); } },
  { names: ['-r', '--no-run-if-empty'], flag: (o) => { o.skipEmpty = true; } },
  { names: ['-q', '--quote'], flag: (o) => { o.quoteCommand = true; } },
  { names: ['--header'], set: (o, v) => { o.header = v; } },
  { names: ['--link', '--xapply'], flag: (o) => { o.link = true; } },
  { names: ['-n', '--max-args'], set: (o, v) => { o.batching = { kind: 'count', records: parseCount('-n/--max-args', v) }; } },
  { names: ['-N', '--max-replace-args'], set: (o, v) => { o.batching = { kind: 'count', records: parseCount('-N/--max-replace-args', v) }; } },
  { names: ['-L', '--max-lines'], set: (o, v) => { o.batching = { kind: 'lines', lines: parsePositive('-L/--max-lines', v) }; } },
  { names: ['-X'], flag: (o) => { o.batching = { kind: 'fill', distribute: true }; o.contextReplace = true; } },
  { names: ['-m'], flag: (o) => { o.batching = { kind: 'fill', distribute: true }; } },
  { names: ['--xargs'], flag: (o) => { o.batching = { kind: 'fill', distribute: false }; } },
  { names: ['-I', '--replace'], set: (o, v) => { rename(o, 'args', v); } },
  { names: ['--extensionreplace', '--er'], set: (o, v) => { rename(o, 'extension', v); } },
  { names: ['--basenamereplace', '--bnr'], set: (o, v) => { rename(o, 'basename', v); } },
  { names: ['--dirnamereplace', '--dnr'], set: (o, v) => { rename(o, 'dirname', v); } },
  { names: ['--basenameextensionreplace', '--bner'], set: (o, v) => { rename(o, 'basenameExtension', v); } },
  { names: ['--seqreplace'], set: (o, v) => { rename(o, 'seq', v); } },
  { names: ['--slotreplace'], set: (o, v) => { rename(o, 'slot', v); } },
  { names: ['--plus'], flag: (o) => { o.plus = true; } },
  { names: ['--delay'], set: (o, v) => { o.delaySeconds = parseSeconds('--delay', v); } },
  { names: ['--shuf'], flag: (o) => { o.shuffle = true; } },
  { names: ['-v'], flag: (o) => { o.verbose = 'stdout'; } },
  { names: ['-t', '--verbose'], flag: (o) => { o.verbose = 'stderr'; } },
  { names: ['--wd', '--workdir'], set: (o, v) => { o.workdir = fromBytes(v); } },
  // Jobs run here, so they inherit the whole environment already; --env only matters remotely.
  { names: ['--env'], set: accepted },
  { names: ['--results', '--res'], set: (o, v) => { o.results = fromBytes(v); } },
  { names: ['--files'], flag: (o) => { o.files = true; } },
  { names: ['--pipe', '--spreadstdin'], flag: (o) => { o.pipe ??= defaultPipe(); } },
  { names: ['--block', '--block-size'], set: (o, v) => { (o.pipe ??= defaultPipe()).blockBytes = parseSize('--block', v); } },
  { names: ['--recstart'], set: (o, v) => { (o.pipe ??= defaultPipe()).recstart = unescape(v); } },
  { names: ['--recend'], set: (o, v) => { (o.pipe ??= defaultPipe()).recend = unescape(v); } },
  { names: ['--arg-sep', '--argsep'], set: (o, v) => { o.separators.values = v; } },
  { names: ['--arg-file-sep', '--argfilesep'], set: (o, v) => { o.separators.files = v; } },
  { names: ['--load'], set: (o, v) => { o.maxLoad = parseLoad(v); } },
  { names: ['--memfree'], set: (o, v) => { o.memfreeBytes = parseSize('--memfree', v); } },
  { names: ['--redis'], set: (o, v) => { o.redis = { url: fromBytes(v), queue: o.redis?.queue ?? 'multicore-run' }; } },
  { names: ['--queue'], set: (o, v) => { o.redis = { url: o.redis?.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', queue: fromBytes(v) }; } },
  { names: ['--number-of-cores'], flag: (o) => { o.print = 'cores'; } },
  { names: ['--number-of-cpus'], flag: (o) => { o.print = 'cores'; } },
  { names: ['--number-of-threads'], flag: (o) => { o.print = 'threads'; } },
  { names: ['--number-of-sockets'], flag: (o) => { o.print = 'sockets'; } },
  // Accepted for compatibility; they only silence GNU parallel's notices.
  { names: ['--will-cite', '--no-notice', '--gnu'], flag: accepted },
  { names: ['-h', '--help'], flag: (o) => { o.help = true; } },
  { names: ['--version'], flag: (o) => { o.version = true; } },
];

const byName = new Map(specs.flatMap((spec) => spec.names.map((name) => [name, spec] as const)));

/**
 * GNU parallel 20221122's options that we recognise but do not implement, so that an existing
 * command line fails with a precise message instead of "unknown option".
 */
const unsupported = new Set([
  '--pipepart', '-S', '--sshlogin', '--slf', '--sshloginfile', '--onall', '--nonall', '--transfer', '--transferfile',
  '--tf', '--return', '--cleanup', '--trc', '--basefile', '--bf', '-i', '--rpl', '--tmux', '--tmuxpane',
  '--semaphore', '--sem', '--semaphorename', '--id', '--semaphoretimeout', '--st', '--fg', '--bg', '--tmpdir',
  '--tempdir', '--compress', '--compress-program', '--decompress-program', '--keep-order-fast', '-l',
  '--memsuspend', '--nice', '--sqlmaster', '--sqlworker', '--sqlandworker', '--shebang', '--shebang-wrap',
  '--hashbang', '--trim', '--ctag', '--ctagstring', '--interactive', '-p', '--noswap', '--fifo', '--cat', '--csv',
  '--shellquote', '--shell-quote', '--filter-hosts', '--joblog-append', '--max-line-length-allowed', '-s',
  '--max-chars', '-E', '--eof', '-e', '--group-by', '--round-robin', '--round', '-x', '--exit', '--profile', '-J',
  '--sshdelay', '--timeout-lazy', '--tty', '--color', '--colour', '--color-failed', '--cf', '--filter',
  '--process-slot-var', '--no-keep-order', '--ungroup-fast', '--use-cores-instead-of-threads',
  '--use-sockets-instead-of-threads', '--use-cpus-instead-of-cores', '--workdir-tmp', '--ssh', '--sshlogin-file',
  '--controlmaster', '-M', '--retries-delay', '--resume-failed-retry', '--record-env', '--env-parallel',
  '--session', '--tagstring-shell', '--embed', '--parens', '--limit', '--line-buffer-fast', '--tee', '--fast',
  '--bibtex', '--citation', '--minversion', '--max-procs-per-host', '--plain', '--ungroup-fail', '--delimiter-fast',
  '--blocktimeout', '--bt', '--regexp', '--recstart-regexp', '--pipe-part', '--header-regexp', '--tmpdirs',
  '--shard', '--shard-by', '--bin', '--results-compress', '--sql', '--dburl', '--sqlinit', '--template',
  '--tmpl', '--ssh-delay', '--ssh-login-file', '--show-limits', '--silent', '--no-run-if-empty-fast', '--test',
  '--max-half-line-buffer', '--quote-fast', '-Y', '--mem-lazy', '--linebuffer-fast', '--timeout-fast',
  '--number-of-sockets-fast', '--plain-fast', '-W', '-U', '-o', '--open-tty', '--nn', '--nonotice', '--wc',
]);

function defaultPipe(): PipeOptions {
  return { blockBytes: 1024 * 1024, recstart: '', recend: '\n' };
}

function rename(options: RunOptions, which: keyof ReplacementNames, value: string): void {
  if (value === '') throw new RunUsageError(`option for the replacement string ${defaultReplacementNames[which]} expects a non-empty string`);
  if (options.names === defaultReplacementNames) options.names = { ...defaultReplacementNames };
  options.names[which] = value;
}

function defaults(): RunOptions {
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

/** `--load` takes -j's forms; 0 means 0.01, as in GNU parallel. */
function parseLoad(value: string): number {
  if (value === '0') return 0.01;
  try {
    return parseJobs(value, usableCores());
  } catch {
    throw new RunUsageError(`option --load expects N, N%, +N or -N (as -j does); got '${value}'`);
  }
}

function parseCount(option: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new RunUsageError(`option ${option} expects a whole number; got '${value}'`);
  return Number(value);
}

function parsePositive(option: string, value: string): number {
  const count = parseCount(option, value);
  if (count === 0) throw new RunUsageError(`option ${option} expects a whole number of at least 1; got '${value}'`);
  return count;
}

function parseSeconds(option: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h|d)?$/.exec(value);
  if (match === null) throw new RunUsageError(`option ${option} expects seconds (e.g. 0.5, 2s, 1m); got '${value}'`);
  const scale = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[match[2] ?? 's']!;
  return Number(match[1]) * scale;
}

/** C-style escapes as printf reads them: `\n`, `\t`, `\\`, octal `\0`, `\012`, `\0123`. */
function unescape(value: string): string {
  return value.replace(/\\(0[0-7]{0,3}|[1-7][0-7]{0,2}|[abfnrtv\\])/g, (_, escape: string) => {
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
    return simple[escape] ?? String.fromCharCode(parseInt(escape, 8) & 0xff);
  });
}

/** `-d` takes characters and C-style or octal escapes (`\n`, `\0`, `\001`), as GNU does. */
function parseDelimiter(value: string): string {
  const delimiter = unescape(value);
  if (delimiter === '') throw new RunUsageError("option -d/--delimiter expects a delimiter, such as '\\n', '\\0' or ','; got ''");
  return delimiter;
}

function parseColsep(value: string): RegExp {
  try {
    return new RegExp(value);
  } catch (error) {
    throw new RunUsageError(`option --colsep expects a regular expression; '${value}' is not one (${(error as Error).message})`);
  }
}

/** A value from the command line (UTF-8 text) as the byte string used everywhere else. */
export function toBytes(value: string): string {
  return Buffer.from(value, 'utf8').toString('latin1');
}

/** A byte string back to the text a file system path is given as. */
export function fromBytes(value: string): string {
  return Buffer.from(value, 'latin1').toString('utf8');
}

/** Options from `$PARALLEL_HOME/config` and `$PARALLEL`, which GNU parallel puts first. */
export function defaultArguments(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.PARALLEL_HOME !== undefined && env.PARALLEL_HOME !== '' ? env.PARALLEL_HOME : path.join(homedir(), '.parallel');
  const words: string[] = [];
  const config = path.join(home, 'config');
  if (existsSync(config)) {
    for (const line of readFileSync(config, 'utf8').split('\n')) {
      if (/^\s*#/.test(line)) continue;
      words.push(...line.split(/\s+/).filter((word) => word !== ''));
    }
  }
  if (env.PARALLEL !== undefined) words.push(...env.PARALLEL.split(/\s+/).filter((word) => word !== ''));
  return words;
}

/** Parses `multicore run`'s arguments (everything after `run`), defaults from the environment first. */
export function parseRunArgs(commandLine: string[], env: NodeJS.ProcessEnv = process.env): RunOptions {
  const options = defaults();
  const prefix = defaultArguments(env);
  const argv = [...prefix, ...commandLine].map(toBytes);
  let index = 0;
  const takeValue = (name: string, inline: string | undefined): string => {
    if (inline !== undefined) return inline;
    const value = argv[++index];
    if (value === undefined) throw new RunUsageError(`option ${name} expects a value`);
    return value;
  };
  const isSeparator = (word: string) => [options.separators.values, options.separators.files].some((sep) => word === sep || word === `${sep}+`);

  for (; index < argv.length; index++) {
    const word = argv[index]!;
    if (word === '--') {
      index++;
      break;
    }
    if (isSeparator(word) || !word.startsWith('-') || word === '-') break;
    if (word.startsWith('--')) {
      const equals = word.indexOf('=');
      const name = equals === -1 ? word : word.slice(0, equals);
      const inline = equals === -1 ? undefined : word.slice(equals + 1);
      const spec = lookup(name);
      if (spec.set !== undefined) spec.set(options, takeValue(name, inline));
      else if (inline !== undefined) throw new RunUsageError(`option ${name} takes no value; got '${word}'`);
      else spec.flag?.(options);
      continue;
    }
    // A cluster of short options: flags, then possibly one option that takes the rest as value.
    for (let position = 1; position < word.length; position++) {
      const name = `-${word[position]}`;
      const spec = lookup(name);
      if (spec.set !== undefined) {
        const rest = word.slice(position + 1);
        spec.set(options, takeValue(name, rest === '' ? undefined : rest));
        break;
      }
      spec.flag?.(options);
    }
  }

  while (index < argv.length && !isSeparator(argv[index]!)) options.command.push(argv[index++]!);
  parseSources(argv.slice(index), options);
  checkCombinations(options);
  return options;
}

function checkCombinations(options: RunOptions): void {
  if (options.resume !== 'no' && options.joblog === undefined) {
    throw new RunUsageError('options --resume and --resume-failed require --joblog');
  }
  if (options.joblog?.path === '-' && options.resume !== 'no') {
    throw new RunUsageError('options --resume and --resume-failed cannot read a --joblog written to stdout (-)');
  }
  if (options.retryFailed && options.joblog === undefined) throw new RunUsageError('option --retry-failed requires --joblog');
  if (options.redis !== undefined) {
    const local = [
      ['--timeout', options.timeout !== undefined], ['--halt now', options.halt?.when === 'now'], ['-u', options.output === 'ungroup'],
      ['--line-buffer', options.output === 'line-buffer'], ['--memfree', options.memfreeBytes !== undefined], ['--load', options.maxLoad !== undefined],
      ['--wd', options.workdir !== undefined],
    ] as const;
    for (const [name, used] of local) {
      if (used) throw new RunUsageError(`option ${name} is not supported with --redis by multicore run (the jobs run on other processes)`);
    }
  }
  if (options.pipe !== undefined && (options.batching.kind === 'lines' || options.batching.kind === 'fill')) {
    throw new RunUsageError('options -L, -X, -m and --xargs are not supported with --pipe by multicore run; use -N for records per block');
  }
  if (options.pipe !== undefined && options.sources.length > 0) {
    throw new RunUsageError('option --pipe reads stdin and takes no ::: or :::: input sources');
  }
}

function lookup(name: string): OptionSpec {
  const spec = byName.get(name);
  if (spec !== undefined) return spec;
  if (unsupported.has(name)) {
    throw new RunUsageError(`option ${name} of GNU parallel is not supported by multicore run (see docs/run.md for the supported subset)`);
  }
  throw new RunUsageError(`unknown option '${name}'; run 'multicore run --help' for the supported options`);
}

/** Reads `::: values...` and `:::: files...` groups; each value or file is one input source. */
function parseSources(rest: string[], options: RunOptions): void {
  let mode: 'values' | 'files' | undefined;
  let linked = false;
  const { values: argSep, files: argFileSep } = options.separators;
  for (const word of rest) {
    const separator = word === argSep || word === `${argSep}+` ? 'values'
      : word === argFileSep || word === `${argFileSep}+` ? 'files' : undefined;
    if (separator !== undefined) {
      mode = separator;
      // `:::+` with no source before it is a plain `:::`, as in GNU parallel.
      linked = word.endsWith('+') && options.sources.length > 0;
      if (mode === 'values') options.sources.push({ kind: 'values', values: [], linked });
      continue;
    }
    if (mode === 'values') {
      const source = options.sources[options.sources.length - 1]!;
      if (source.kind === 'values') source.values.push(word);
    } else {
      options.sources.push({ kind: 'file', path: fromBytes(word), linked });
      linked = false;
    }
  }
}
