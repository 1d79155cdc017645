/**
 * Input sources: `::: values`, `:::: files` and `-a files` (`-` is stdin), or stdin when none is
 * given. Each yields records split on the delimiter; several sources combine into every
 * combination, the first source varying slowest, as GNU parallel orders them. The first source
 * is streamed (so `tail -f log | multicore run ...` starts at once); the others are read whole.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { InputSource, RunOptions } from './options.js';
import { RunUsageError } from './errors.js';

type RecordOptions = Pick<RunOptions, 'delimiter' | 'colsep' | 'skipEmpty'>;

/** Splits a stream into records; a final record without a trailing delimiter still counts. */
async function* readRecords(stream: Readable, delimiter: string): AsyncGenerator<string> {
  stream.setEncoding('utf8');
  let pending = '';
  for await (const chunk of stream as AsyncIterable<string>) {
    pending += chunk;
    let start = 0;
    let end: number;
    while ((end = pending.indexOf(delimiter, start)) !== -1) {
      yield pending.slice(start, end);
      start = end + delimiter.length;
    }
    pending = pending.slice(start);
  }
  if (pending !== '') yield pending;
}

function openSource(source: InputSource, delimiter: string): AsyncIterable<string> {
  if (source.kind === 'values') {
    // GNU parallel reads ::: values like lines of a file, so a value holding the delimiter
    // becomes several arguments.
    return (async function* () {
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

/** The records of one source, turned into argument columns (one, or several with --colsep). */
async function* columnsOf(source: InputSource, options: RecordOptions): AsyncGenerator<string[]> {
  for await (const record of openSource(source, options.delimiter)) {
    if (options.skipEmpty && record.trim() === '') continue;
    yield options.colsep === undefined ? [record] : record.split(options.colsep);
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** Every combination of the later sources, in order (last source varying fastest). */
function product(lists: string[][][]): string[][] {
  let combos: string[][] = [[]];
  for (const list of lists) combos = combos.flatMap((prefix) => list.map((columns) => [...prefix, ...columns]));
  return combos;
}

/**
 * The argument tuples of all jobs, in job order. When no source is given, stdin is the source.
 */
export async function* argumentTuples(options: Pick<RunOptions, 'sources'> & RecordOptions): AsyncGenerator<string[]> {
  const sources = options.sources.length > 0 ? options.sources : [{ kind: 'file', path: '-' } as const];
  const [first, ...others] = sources as [InputSource, ...InputSource[]];
  const rest = product(await Promise.all(others.map((source) => collect(columnsOf(source, options)))));
  if (rest.length === 0) return;
  for await (const columns of columnsOf(first, options)) {
    for (const tail of rest) yield [...columns, ...tail];
  }
}
