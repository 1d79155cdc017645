/**
 * One stream of one job while it runs: chunks in memory, or a temporary file once they grow
 * past `spillBytes`, so that a job printing gigabytes costs disk, not memory.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeSpilledFile, writeTagged, type Stream } from './streams.js';

/** A job's output on one stream held in memory past this many bytes goes to a temporary file. */
export const spillBytes = 8 * 1024 * 1024;

const newline = 0x0a;

let spillDirectory: string | undefined;

function spillFile(): number {
  spillDirectory ??= mkdtempSync(path.join(tmpdir(), 'multicore-run-'));
  const file = path.join(spillDirectory, `${process.pid}-${Math.random().toString(36).slice(2)}`);
  const fd = openSync(file, 'w+');
  rmSync(file); // the open descriptor keeps it; nothing is left behind whatever happens
  return fd;
}

process.once('exit', () => {
  if (spillDirectory !== undefined) rmSync(spillDirectory, { recursive: true, force: true });
});

export class Held {
  #chunks: Buffer[] = [];
  #bytes = 0;
  #fd: number | undefined;
  #fileBytes = 0;
  /** The file's bytes up to and including its last newline (what --line-buffer may write). */
  #fileLinesEnd = 0;

  add(chunk: Buffer): void {
    if (this.#fd !== undefined) {
      this.#writeToFile(chunk);
      return;
    }
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    if (this.#bytes > spillBytes) {
      this.#fd = spillFile();
      for (const held of this.#chunks) this.#writeToFile(held);
      this.#chunks = [];
      this.#bytes = 0;
    }
  }

  #writeToFile(chunk: Buffer): void {
    const lastNewline = chunk.lastIndexOf(newline);
    if (lastNewline !== -1) this.#fileLinesEnd = this.#fileBytes + lastNewline + 1;
    this.#fileBytes += writeSync(this.#fd!, chunk);
  }

  /** Hands the spill file (its first `length` bytes) to the writer, which closes it. */
  #writeFileOut(stream: Stream, length: number, tag: Buffer | undefined): void {
    writeSpilledFile(stream, this.#fd!, length, tag);
    this.#fd = undefined;
    this.#fileBytes = 0;
    this.#fileLinesEnd = 0;
  }

  /** Writes everything held, the file in pieces so that memory stays bounded. */
  writeOut(stream: Stream, tag: Buffer | undefined): void {
    if (this.#fd !== undefined) {
      this.#writeFileOut(stream, this.#fileBytes, tag);
      return;
    }
    writeTagged(stream, this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks), tag);
    this.#chunks = [];
  }

  /** Line buffering: writes the complete lines once `chunk` brings a newline; linear time. */
  addLines(chunk: Buffer, stream: Stream, tag: Buffer | undefined, live: boolean): void {
    const end = chunk.lastIndexOf(newline) + 1;
    if (!live || end === 0) {
      this.add(chunk);
      return;
    }
    if (this.#fd !== undefined) this.add(chunk.subarray(0, end));
    else this.#chunks.push(chunk.subarray(0, end));
    this.writeOut(stream, tag);
    this.#bytes = 0;
    if (end < chunk.length) this.add(chunk.subarray(end));
  }

  /** Under -k with --line-buffer, when the job becomes the oldest: its complete lines so far. */
  writeLines(stream: Stream, tag: Buffer | undefined): void {
    if (this.#fd !== undefined) {
      // Its complete lines are copied from the file; the partial line after them comes back
      // into memory, to be completed by what the job writes next.
      const end = this.#fileLinesEnd;
      if (end === 0) return;
      const rest = Buffer.alloc(this.#fileBytes - end);
      if (rest.length > 0) readSync(this.#fd, rest, 0, rest.length, end);
      this.#writeFileOut(stream, end, tag);
      this.#chunks = rest.length > 0 ? [rest] : [];
      this.#bytes = rest.length;
      return;
    }
    const bytes = Buffer.concat(this.#chunks);
    const end = bytes.lastIndexOf(newline) + 1;
    writeTagged(stream, bytes.subarray(0, end), tag);
    this.#chunks = end === bytes.length ? [] : [bytes.subarray(end)];
    this.#bytes = bytes.length - end;
  }

  release(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    this.#fileBytes = 0;
    this.#fileLinesEnd = 0;
    this.#chunks = [];
    this.#bytes = 0;
  }
}
