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
import { byName, unsupported, type OptionSpec } from './option-table.js';
import { fromBytes, toBytes } from './option-values.js';
import { defaults, type RunOptions } from './run-options.js';

export type { Batching, InputSource, OutputMode, PipeOptions, RunOptions } from './run-options.js';
export { fromBytes, toBytes } from './option-values.js';

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
