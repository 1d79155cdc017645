/**
 * How input records become jobs: one record per job, or several with `-n`/`-N` (a fixed count),
 * `-L` (lines, a line ending in a blank continuing on the next), `-X`/`-m`/`--xargs` (as many
 * as fit on a command line). `-X` and `-m` also spread the last records evenly over the job
 * slots once the input has ended, as GNU parallel does: with 5 records and `-j2`, 3 and 2.
 */
import type { Batching } from './options.js';

/** The length a command line may have: Linux limits one argument (the `sh -c` script) to 128 KiB. */
export const maxCommandBytes = 128 * 1024 - 4096;

type Records = AsyncIterator<string[]> | Iterator<string[]>;

/** Pulls records one at a time, with one record of look-ahead put back when it does not fit. */
class RecordQueue {
  readonly #held: string[][] = [];
  ended = false;

  readonly #source: Records;

  constructor(source: Records) {
    this.#source = source;
  }

  async next(): Promise<string[] | undefined> {
    if (this.#held.length > 0) return this.#held.shift();
    if (this.ended) return undefined;
    const next = await this.#source.next();
    if (next.done === true) {
      this.ended = true;
      return undefined;
    }
    return next.value;
  }

  putBack(record: string[]): void {
    this.#held.unshift(record);
  }

  /** Reads everything left (the input has ended) and returns how many records remain. */
  async drain(): Promise<number> {
    while (!this.ended) {
      const next = await this.#source.next();
      if (next.done === true) this.ended = true;
      else this.#held.push(next.value);
    }
    return this.#held.length;
  }
}

/** A record's cost on the command line: its quoted columns and the spaces between them. */
function recordBytes(record: string[]): number {
  return record.reduce((sum, column) => sum + column.length * 1.1 + 3, 0);
}

/**
 * The jobs' records, in order. `jobSlots` and `commandBytes` (the command without arguments)
 * size the batches of -X/-m/--xargs.
 */
export async function* batchRecords(source: Records, batching: Batching, jobSlots: number, commandBytes: number): AsyncGenerator<string[][]> {
  const queue = new RecordQueue(source);
  switch (batching.kind) {
    case 'one':
      for (let record = await queue.next(); record !== undefined; record = await queue.next()) yield [record];
      return;
    case 'count': {
      if (batching.records === 0) {
        // -N0: one job per record, with no argument at all.
        for (let record = await queue.next(); record !== undefined; record = await queue.next()) yield [];
        return;
      }
      for (;;) {
        const batch: string[][] = [];
        while (batch.length < batching.records) {
          const record = await queue.next();
          if (record === undefined) break;
          batch.push(record);
        }
        if (batch.length === 0) return;
        yield batch;
      }
    }
    case 'lines':
      yield* batchLines(queue, batching.lines);
      return;
    case 'fill':
      yield* batchFill(queue, batching.distribute ? jobSlots : 1, commandBytes);
  }
}

/** -L: `lines` non-empty lines per job, a line ending in a blank joined with the next. */
async function* batchLines(queue: RecordQueue, lines: number): AsyncGenerator<string[][]> {
  let batch: string[][] = [];
  let continued: string | undefined;
  for (let record = await queue.next(); record !== undefined; record = await queue.next()) {
    const line = (continued ?? '') + record.join(' ');
    continued = undefined;
    if (/[ \t]$/.test(line)) {
      continued = line.replace(/[ \t]+$/, ' ');
      continue;
    }
    batch.push([line]);
    if (batch.length === lines) {
      yield batch;
      batch = [];
    }
  }
  if (continued !== undefined && continued.trim() !== '') batch.push([continued.trimEnd()]);
  if (batch.length > 0) yield batch;
}

async function* batchFill(queue: RecordQueue, jobSlots: number, commandBytes: number): AsyncGenerator<string[][]> {
  let perJob = Infinity;
  for (;;) {
    const batch: string[][] = [];
    let bytes = commandBytes;
    for (;;) {
      if (batch.length >= perJob) break;
      const record = await queue.next();
      if (record === undefined) break;
      const cost = recordBytes(record);
      if (batch.length > 0 && bytes + cost > maxCommandBytes) {
        queue.putBack(record);
        break;
      }
      batch.push(record);
      bytes += cost;
    }
    if (queue.ended && perJob === Infinity && jobSlots > 1) {
      // The input ended while this line was filling: spread what is left over the slots.
      for (const record of batch.reverse()) queue.putBack(record);
      const left = await queue.drain();
      perJob = Math.max(1, Math.ceil(left / jobSlots));
      continue;
    }
    if (batch.length === 0) return;
    yield batch;
  }
}
