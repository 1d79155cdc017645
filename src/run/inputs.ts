/**
 * Input sources: `::: values`, `:::: files` and `-a files` (`-` is stdin), or stdin when none is
 * given. Each yields records split on the delimiter. Sources combine into every combination,
 * the first varying slowest, as GNU parallel orders them; `:::+`/`::::+` link a source to the one
 * before it (taken side by side, the shortest deciding), and `--link` links them all (the
 * shorter ones wrapping around).
 *
 * Records are byte strings: every character is one byte (latin1), so that names that are not
 * UTF-8 pass through unchanged. The first source is streamed when nothing is linked (so
 * `tail -f log | multicore run ...` starts at once); the others are read whole.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { InputSource, RunOptions } from './options.js';
import { RunUsageError } from './errors.js';

type RecordOptions = Pick<RunOptions, 'delimiter' | 'colsep' | 'skipEmpty' | 'header' | 'link'>;

let warnedNul = false;

/** GNU parallel cannot pass a NUL byte in an argument either: it warns and writes `\0`. */
function replaceNul(record: string, delimiter: string): string {
  if (delimiter === '\0' || !record.includes('\0')) return record;
  if (!warnedNul) {
    warnedNul = true;
    process.stderr.write(
      'multicore run: Warning: A NUL character in the input was replaced with \\0.\n' +
        'multicore run: Warning: NUL cannot be passed through in the argument list.\n' +
        'multicore run: Warning: Did you mean to use the --null option?\n',
    );
  }
  return record.replaceAll('\0', '\\0');
}

/** Splits a stream into records; a final record without a trailing delimiter still counts. */
export async function* readRecords(stream: Readable, delimiter: string): AsyncGenerator<string> {
  stream.setEncoding('latin1');
  let pending = '';
  for await (const chunk of stream as AsyncIterable<string>) {
    // Search only the new bytes (and a delimiter's worth before them): linear in the input.
    let searchFrom = Math.max(0, pending.length - delimiter.length + 1);
    pending += chunk;
    let start = 0;
    let end: number;
    while ((end = pending.indexOf(delimiter, Math.max(start, searchFrom))) !== -1) {
      yield pending.slice(start, end);
      start = end + delimiter.length;
      searchFrom = start;
    }
    pending = pending.slice(start);
  }
  if (pending !== '') yield pending;
}

function openSource(source: InputSource, delimiter: string): AsyncIterable<string> {
  if (source.kind === 'values') {
    // GNU parallel reads ::: values like lines of a file, so a value holding the delimiter
    // becomes several arguments; an empty group gives one empty argument.
    return (async function* () {
      if (source.values.length === 0) yield '';
      for (const value of source.values) yield* value.split(delimiter);
    })();
  }
  if (source.path === '-') return readRecords(process.stdin, delimiter);
  const stream = createReadStream(source.path);
  return (async function* () {
    try {
      yield* readRecords(stream, delimiter);
    } catch (error) {
      throw new RunUsageError(`cannot read input file '${source.path}': ${(error as Error).message}`);
    }
  })();
}

/** Splits a record into columns on --colsep, trimming the blanks around each, as GNU does. */
export function splitColumns(record: string, colsep: RegExp | undefined): string[] {
  if (colsep === undefined) return [record];
  return record.split(colsep).map((column) => column.trim());
}

/** One source as records of columns; with --header its first record names the columns. */
class SourceReader {
  names: string[] = [];

  readonly #source: InputSource;
  readonly #options: RecordOptions;

  constructor(source: InputSource, options: RecordOptions) {
    this.#source = source;
    this.#options = options;
  }

  async *records(): AsyncGenerator<string[]> {
    let first = this.#options.header !== undefined;
    for await (const raw of openSource(this.#source, this.#options.delimiter)) {
      const record = replaceNul(raw, this.#options.delimiter);
      if (first) {
        first = false;
        this.names = splitColumns(record, this.#options.colsep);
        continue;
      }
      if (this.#options.skipEmpty && record.trim() === '') continue;
      yield splitColumns(record, this.#options.colsep);
    }
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** Sources taken side by side: `shortest` for :::+ (extra values dropped), else wrapping. */
function zip(lists: string[][][], shortest: boolean): string[][] {
  if (lists.length === 1) return lists[0]!;
  const lengths = lists.map((list) => list.length);
  const count = shortest ? Math.min(...lengths) : Math.max(...lengths);
  if (lengths.some((length) => length === 0)) return [];
  return Array.from({ length: count }, (_, row) => lists.flatMap((list) => list[row % list.length]!));
}

/** Every combination of the groups, in order (last group varying fastest). */
function product(groups: string[][][]): string[][] {
  let combos: string[][] = [[]];
  for (const group of groups) combos = combos.flatMap((prefix) => group.map((columns) => [...prefix, ...columns]));
  return combos;
}

/** What the sources give: the column names from --header (filled in once read) and the records. */
export interface Arguments {
  /** Column names by position (0-based), from --header; read once `tuples` has started. */
  names(): string[];
  tuples: AsyncGenerator<string[]>;
}

/** The argument tuples of all jobs, in job order. When no source is given, stdin is the source. */
export function argumentTuples(options: Pick<RunOptions, 'sources'> & RecordOptions): Arguments {
  const sources = options.sources.length > 0 ? options.sources : [{ kind: 'file', path: '-', linked: false } as const];
  const readers = sources.map((source) => new SourceReader(source, options));
  // Groups of linked sources: with --link all of them, otherwise each :::+ joins the one before.
  const groups: SourceReader[][] = [];
  sources.forEach((source, index) => {
    if (groups.length > 0 && (options.link || source.linked)) groups[groups.length - 1]!.push(readers[index]!);
    else groups.push([readers[index]!]);
  });
  const names = (): string[] => readers.flatMap((reader) => (reader.names.length > 0 ? reader.names : ['']));
  async function* tuples(): AsyncGenerator<string[]> {
    const [first, ...others] = groups as [SourceReader[], ...SourceReader[][]];
    const readGroup = async (group: SourceReader[]) => zip(await Promise.all(group.map((reader) => collect(reader.records()))), !options.link);
    const rest = product(await Promise.all(others.map(readGroup)));
    if (rest.length === 0) return;
    const head = first.length === 1 ? first[0]!.records() : (await readGroup(first))[Symbol.iterator]();
    for (;;) {
      const next = await head.next();
      if (next.done === true) return;
      for (const tail of rest) yield [...next.value, ...tail];
    }
  }
  return { names, tuples: tuples() };
}
