/**
 * `--pipe`: stdin cut into blocks of about `--block` bytes, each ending at a record boundary
 * (`--recend`, default newline, followed by `--recstart`), each block the stdin of one job.
 * The cutting follows GNU parallel's: read up to a multiple of the block size, cut after the
 * last `recend recstart`, keep the rest for the next block; a block with no boundary grows by
 * 30%; at the end of input whatever is left is the last block. With `-N n` each block is n
 * records.
 */
import type { Readable } from 'node:stream';
import { RunUsageError } from './errors.js';
import type { PipeOptions } from './options.js';

const units: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** Reads a size such as `10M` (binary), `10m` (decimal), `1Ki`, `4096`. */
export function parseSize(option: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)([kmgtKMGT]?)(i?)$/.exec(value);
  if (match === null) throw new RunUsageError(`option ${option} expects a size in bytes such as 4096, 64k or 1M; got '${value}'`);
  const unit = match[3] === 'i' ? 1024 ** ('kmgt'.indexOf(match[2]!.toLowerCase()) + 1) : units[match[2]!]!;
  const bytes = Math.floor(Number(match[1]) * unit);
  if (bytes < 1) throw new RunUsageError(`option ${option} expects at least 1 byte; got '${value}'`);
  return bytes;
}

/** Reads a stream in pieces of exactly the asked size (less only at its end). */
class ExactReader {
  readonly #chunks: AsyncIterator<Buffer>;
  #carry: Buffer = Buffer.alloc(0);
  eof = false;

  constructor(stream: Readable) {
    this.#chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  async read(size: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let have = 0;
    if (this.#carry.length > 0) {
      const piece = this.#carry.subarray(0, size);
      this.#carry = this.#carry.subarray(piece.length);
      parts.push(piece);
      have = piece.length;
    }
    while (have < size && !this.eof) {
      const next = await this.#chunks.next();
      if (next.done === true) {
        this.eof = true;
        break;
      }
      const chunk = next.value;
      const take = Math.min(chunk.length, size - have);
      parts.push(chunk.subarray(0, take));
      this.#carry = chunk.subarray(take);
      have += take;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, have);
  }
}

/** The n-th occurrence of `needle`, or -1. */
function nthIndex(buffer: Buffer, needle: Buffer, n: number): number {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = buffer.indexOf(needle, at + 1);
    if (at === -1) return -1;
  }
  return at;
}

/**
 * `--header`: `:` is the first line, a number N the first N lines, anything else a regular
 * expression matched at the start of the input, as GNU parallel reads it.
 */
function headerPattern(header: string): RegExp {
  const source = header === ':' ? '(?:.*\n)' : /^\d+$/.test(header) ? '(?:.*\n)'.repeat(Number(header)) : header;
  try {
    return new RegExp(`^(?:${source})`);
  } catch (error) {
    throw new RunUsageError(`option --header expects :, a number of lines or a regular expression; got '${header}' (${(error as Error).message})`);
  }
}

/** Reads until the header is complete (or the input ends); returns it and what was read after it. */
async function readHeader(reader: ExactReader, header: string, blockBytes: number): Promise<{ header: Buffer; rest: Buffer }> {
  const pattern = headerPattern(header);
  let buffer = Buffer.alloc(0);
  while (!reader.eof) {
    buffer = Buffer.concat([buffer, await reader.read(blockBytes)]);
    const match = pattern.exec(buffer.toString('latin1'));
    if (match !== null) return { header: buffer.subarray(0, match[0].length), rest: buffer.subarray(match[0].length) };
  }
  return { header: Buffer.alloc(0), rest: buffer };
}

/** The blocks of stdin for --pipe, in order, each after the --header when there is one. */
export async function* pipeBlocks(stream: Readable, options: PipeOptions, records: number | undefined, header?: string): AsyncGenerator<Buffer> {
  const reader = new ExactReader(stream);
  if (header === undefined) {
    yield* splitBlocks(reader, options, records, Buffer.alloc(0));
    return;
  }
  const found = await readHeader(reader, header, options.blockBytes);
  for await (const block of splitBlocks(reader, options, records, found.rest)) yield Buffer.concat([found.header, block]);
}

async function* splitBlocks(reader: ExactReader, options: PipeOptions, records: number | undefined, start: Buffer): AsyncGenerator<Buffer> {
  const recend = Buffer.from(options.recend, 'latin1');
  const boundary = Buffer.from(options.recend + options.recstart, 'latin1');
  let blockBytes = options.blockBytes;
  let buffer: Buffer = start;
  for (;;) {
    let written = false;
    const piece = await reader.read(blockBytes - (buffer.length % blockBytes));
    buffer = buffer.length === 0 ? piece : Buffer.concat([buffer, piece]);
    if (records !== undefined) {
      let at: number;
      while (buffer.length > 0 && (at = nthIndex(buffer, boundary, records)) !== -1) {
        const end = at + recend.length;
        yield buffer.subarray(0, end);
        buffer = buffer.subarray(end);
        written = true;
      }
    } else if (!reader.eof) {
      const at = buffer.lastIndexOf(boundary);
      if (at !== -1) {
        const end = at + recend.length;
        if (end > 0) {
          yield buffer.subarray(0, end);
          written = true;
        }
        buffer = buffer.subarray(end);
      }
    }
    if (reader.eof) break;
    if (!written) blockBytes = Math.min(Math.ceil(blockBytes * 1.3 + 1), 2 ** 31 - 1);
  }
  if (buffer.length > 0) yield buffer;
}
