/**
 * The one command-line style of `multicore`, `info`, `timeit` and `scale`: node:util parseArgs,
 * with usage errors (unknown options, bad values) printed as "multicore <command>: <message>",
 * a "did you mean" where a near name exists, and `Run 'multicore <command> --help'`; exit 2.
 * Failures of the work itself exit 1.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Wrong command-line input: printed as "multicore <command>: <message>", exit code 2. */
export class UsageError extends Error {}

/** The options of a command, as node:util parseArgs takes them. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * parseArgs in strict mode, with friendlier errors: `-n -5` is read as the value -5 (so that the
 * range check can say what is wrong, rather than parseArgs' "argument is ambiguous"), and an
 * unknown option suggests the nearest known one.
 */
export function parseCommandLine<O extends CommandOptions>(argv: string[], options: O, allowPositionals = false): ReturnType<typeof parseArgs<{ options: O; allowPositionals: boolean; strict: true }>> {
  const args = joinNegativeValues(argv, options);
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw toUsageError(error, options);
  }
}

/** `--items -5` and `-n -5` become `--items=-5`: a value that looks like a negative number. */
function joinNegativeValues(argv: string[], options: CommandOptions): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      joined.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    const name = optionName(arg, options);
    if (name !== undefined && options[name]!.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`--${name}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

function optionName(arg: string, options: CommandOptions): string | undefined {
  if (arg.startsWith('--')) return Object.hasOwn(options, arg.slice(2)) ? arg.slice(2) : undefined;
  if (/^-[^-]$/.test(arg)) return Object.keys(options).find((name) => options[name]!.short === arg.slice(1));
  return undefined;
}

function toUsageError(error: unknown, options: CommandOptions): unknown {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS')) return error;
  const message = (error as Error).message;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'(-[^']*)'/.exec(message)?.[1] ?? message;
    return new UsageError(`unknown option '${option}'.${suggestion(option, options)}`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /'(-[^' ,]*)/.exec(message)?.[1];
    const name = option === undefined ? undefined : optionName(option, options) ?? optionName(`--${option.replace(/^-+/, '')}`, options);
    if (name !== undefined && options[name]!.type === 'string') return new UsageError(`--${name} needs a value.`);
    if (name !== undefined) return new UsageError(`--${name} takes no value.`);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const argument = /'([^']*)'/.exec(message)?.[1];
    return new UsageError(argument === undefined ? 'this command takes no arguments.' : `unexpected argument '${argument}': this command takes no arguments.`);
  }
  return new UsageError(message);
}

/** " Did you mean '--items'?" for a misspelt option, or nothing when no known one is near. */
export function suggestion(given: string, options: CommandOptions): string {
  const bare = given.replace(/^-+/, '').split('=')[0]!;
  const names = Object.keys(options);
  const near = closest(bare, names);
  return near === undefined ? '' : ` Did you mean '--${near}'?`;
}

/** The candidate within a small edit distance of `given` (or that it begins), if any. */
export function closest(given: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = candidate.startsWith(given) && given.length >= 2 ? 0.5 : editDistance(given, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(given.length / 3)) ? best : undefined;
}

/** Levenshtein distance, with a swap of two neighbours counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = value;
    }
  }
  return rows[a.length]![b.length]!;
}

/** Parses a whole-number flag such as `-n 100`; anything else is a UsageError naming the flag. */
export function integerOption(value: string | undefined, flag: string, minimum: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < minimum) {
    throw new UsageError(`${flag} must be a whole number >= ${minimum}, got '${value}'.`);
  }
  return Number(text);
}

/** What runCommand needs to know of a command besides its body. */
export interface CommandSpec<O extends CommandOptions> {
  /** As in `multicore <name>`: the prefix of its messages. */
  name: string;
  /** Printed for -h/--help, which every command takes (it is not listed in `options`). */
  help: string;
  options: O;
  /** Whether the command takes arguments besides its options. */
  positionals?: boolean;
}

export type ParsedCommandLine<O extends CommandOptions> = ReturnType<typeof parseCommandLine<O>>;

const helpOption = { help: { type: 'boolean', short: 'h', default: false } } as const;

/**
 * Runs a command: parses `argv` by `spec` (printing the help when asked for it), then the body.
 * Usage errors print the message and a hint, exit 2; other errors print their message, exit 1.
 */
export async function runCommand<O extends CommandOptions>(argv: string[], spec: CommandSpec<O>, body: (parsed: ParsedCommandLine<O>) => Promise<number>): Promise<number> {
  try {
    const parsed = parseCommandLine(argv, { ...spec.options, ...helpOption }, spec.positionals);
    if ((parsed.values as { help?: boolean }).help === true) {
      console.log(spec.help);
      return 0;
    }
    return await body(parsed as unknown as ParsedCommandLine<O>);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`multicore ${spec.name}: ${error.message}\nRun 'multicore ${spec.name} --help' for usage.`);
      return 2;
    }
    console.error(`multicore ${spec.name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
