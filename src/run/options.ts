/**
 * The options of `multicore run`, read from a GNU parallel style command line by a hand parser:
 * `[options] [command words...] [::: values... | :::: files...]...`. Options come first
 * (GNU's "require order"), short flags may be bundled (`-kj4`), long ones take `--name value` or
 * `--name=value`, and the first word that is not an option starts the command.
 */
import { RunUsageError } from './errors.js';
import { parseHalt, type HaltPolicy } from './halt.js';
import { parseJobs } from './jobs.js';
import { parseTimeout, type TimeoutSpec } from './timeout.js';
// The same count the Pool uses by default: CPU affinity and the cgroup CPU quota both lower it.
import { usableCores } from '../tools/sysinfo.js';

/** Where job arguments come from; the product of all sources, first one varying slowest. */
export type InputSource = { kind: 'values'; values: string[] } | { kind: 'file'; path: string };

export type OutputMode = 'group' | 'line-buffer' | 'ungroup';

export interface RunOptions {
  /** The command words before the first `:::`/`::::`; empty when the arguments are commands. */
  command: string[];
  sources: InputSource[];
  jobs: number;
  keepOrder: boolean;
  output: OutputMode;
  tag: boolean;
  joblog: string | undefined;
  resume: 'no' | 'all' | 'failed';
  halt: HaltPolicy | undefined;
  retries: number;
  timeout: TimeoutSpec | undefined;
  dryRun: boolean;
  progress: 'none' | 'progress' | 'bar' | 'eta';
  /** Record separator of stdin and files: `\n`, `\0` with -0, or -d's. */
  delimiter: string;
  colsep: RegExp | undefined;
  skipEmpty: boolean;
  quoteCommand: boolean;
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

const specs: OptionSpec[] = [
  { names: ['-j', '-P', '--jobs', '--max-procs'], set: (o, v) => { o.jobs = parseJobs(v, usableCores()); } },
  { names: ['-k', '--keep-order', '--keeporder'], flag: (o) => { o.keepOrder = true; } },
  { names: ['-u', '--ungroup'], flag: (o) => { o.output = 'ungroup'; } },
  { names: ['--group'], flag: (o) => { o.output = 'group'; } },
  { names: ['--line-buffer', '--linebuffer', '--lb'], flag: (o) => { o.output = 'line-buffer'; } },
  { names: ['--tag'], flag: (o) => { o.tag = true; } },
  { names: ['--joblog', '--jl'], set: (o, v) => { o.joblog = v; } },
  { names: ['--resume'], flag: (o) => { o.resume = o.resume === 'failed' ? 'failed' : 'all'; } },
  { names: ['--resume-failed'], flag: (o) => { o.resume = 'failed'; } },
  { names: ['--halt', '--halt-on-error'], set: (o, v) => { o.halt = parseHalt(v); } },
  { names: ['--retries'], set: (o, v) => { o.retries = parseCount('--retries', v); } },
  { names: ['--timeout'], set: (o, v) => { o.timeout = parseTimeout(v); } },
  { names: ['--dry-run', '--dryrun'], flag: (o) => { o.dryRun = true; } },
  { names: ['--progress'], flag: (o) => { o.progress = 'progress'; } },
  { names: ['--bar'], flag: (o) => { o.progress = 'bar'; } },
  { names: ['--eta'], flag: (o) => { o.progress = 'eta'; } },
  { names: ['-0', '--null'], flag: (o) => { o.delimiter = '\0'; } },
  { names: ['-d', '--delimiter'], set: (o, v) => { o.delimiter = parseDelimiter(v); } },
  { names: ['-C', '--colsep'], set: (o, v) => { o.colsep = parseColsep(v); } },
  { names: ['-a', '--arg-file', '--argfile'], set: (o, v) => { o.sources.push({ kind: 'file', path: v }); } },
  { names: ['-r', '--no-run-if-empty'], flag: (o) => { o.skipEmpty = true; } },
  { names: ['-q', '--quote'], flag: (o) => { o.quoteCommand = true; } },
  // Accepted for compatibility; they only silence GNU parallel's notices.
  { names: ['--will-cite', '--no-notice', '--gnu'], flag: () => {} },
  { names: ['-h', '--help'], flag: (o) => { o.help = true; } },
  { names: ['--version'], flag: (o) => { o.version = true; } },
];

const byName = new Map(specs.flatMap((spec) => spec.names.map((name) => [name, spec] as const)));

/**
 * GNU parallel options we recognise but do not implement, so that an existing command line fails
 * with a precise message instead of "unknown option".
 */
const unsupported = new Set([
  '--pipe', '--pipepart', '--block', '--recstart', '--recend', '-S', '--sshlogin', '--slf', '--sshloginfile',
  '--onall', '--nonall', '--transfer', '--return', '--cleanup', '--trc', '-X', '-m', '--xargs', '-n',
  '--max-args', '-N', '--max-replace-args', '-L', '--max-lines', '-l', '-I', '--replace', '-i', '--extensionreplace',
  '--basenamereplace', '--dirnamereplace', '--basenameextensionreplace', '--seqreplace', '--slotreplace',
  '--plus', '--rpl', '--shuf', '--tagstring', '--tmux', '--tmuxpane', '--semaphore', '--sem', '--fg', '--bg',
  '--env', '--tmpdir', '--files', '--results', '--res', '--compress', '--keep-order-fast', '-v', '--verbose',
  '-t', '--load', '--memfree', '--nice', '--delay', '--sqlmaster', '--sqlworker', '--sqlandworker', '--shebang',
  '--xapply', '--link', '--header', '--trim', '--ctag', '--ctagstring', '--termseq', '--interactive', '-p',
  '--noswap', '--fifo', '--cat', '--csv', '--shellquote', '--shell-quote', '--filter-hosts', '--retry-failed',
  '--joblog-append', '--max-line-length-allowed', '-s', '--max-chars', '-E', '--eof', '-e', '--group-by',
  '--round-robin', '--round', '-x', '--exit', '--env', '--profile', '-J', '--sshdelay', '--timeout-lazy',
]);

function defaults(): RunOptions {
  return {
    command: [],
    sources: [],
    jobs: usableCores(),
    keepOrder: false,
    output: 'group',
    tag: false,
    joblog: undefined,
    resume: 'no',
    halt: undefined,
    retries: 0,
    timeout: undefined,
    dryRun: false,
    progress: 'none',
    delimiter: '\n',
    colsep: undefined,
    skipEmpty: false,
    quoteCommand: false,
    help: false,
    version: false,
  };
}

function parseCount(option: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new RunUsageError(`option ${option} expects a whole number; got '${value}'`);
  return Number(value);
}

/** `-d` takes one character, or a C-style escape like `\n`, `\t`, `\0`. */
function parseDelimiter(value: string): string {
  const escapes: Record<string, string> = { '\\n': '\n', '\\t': '\t', '\\0': '\0', '\\r': '\r', '\\\\': '\\' };
  const delimiter = escapes[value] ?? value;
  if ([...delimiter].length !== 1) {
    throw new RunUsageError(`option -d/--delimiter expects one character or an escape like \\n or \\0; got '${value}'`);
  }
  return delimiter;
}

function parseColsep(value: string): RegExp {
  try {
    return new RegExp(value, 'u');
  } catch (error) {
    throw new RunUsageError(`option --colsep expects a regular expression; '${value}' is not one (${(error as Error).message})`);
  }
}

const separators = new Set([':::', '::::']);

/** Parses `multicore run`'s arguments (everything after `run`). */
export function parseRunArgs(argv: string[]): RunOptions {
  const options = defaults();
  let index = 0;
  const takeValue = (name: string, inline: string | undefined): string => {
    if (inline !== undefined) return inline;
    const value = argv[++index];
    if (value === undefined) throw new RunUsageError(`option ${name} expects a value`);
    return value;
  };

  for (; index < argv.length; index++) {
    const word = argv[index]!;
    if (word === '--') {
      index++;
      break;
    }
    if (separators.has(word) || !word.startsWith('-') || word === '-') break;
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

  while (index < argv.length && !separators.has(argv[index]!)) options.command.push(argv[index++]!);
  parseSources(argv.slice(index), options);
  return options;
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
  let current: InputSource[] | undefined;
  let mode: ':::' | '::::' | undefined;
  for (const word of rest) {
    if (word === ':::') {
      mode = ':::';
      const source: InputSource = { kind: 'values', values: [] };
      options.sources.push(source);
      current = [source];
      continue;
    }
    if (word === '::::') {
      mode = '::::';
      current = [];
      continue;
    }
    if (word === ':::+' || word === '::::+') {
      throw new RunUsageError(`linked input sources (${word}) are not supported by multicore run; use ::: or ::::`);
    }
    if (mode === ':::') {
      const source = current![0]!;
      if (source.kind === 'values') source.values.push(word);
    } else {
      options.sources.push({ kind: 'file', path: word });
    }
  }
}
