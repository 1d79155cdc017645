/**
 * Our own stdout and stderr, each written through one queue in order. A write to a pipe is
 * asynchronous in Node, so copying a spilled file waits for the pipe to drain between pieces:
 * that keeps memory bounded however much a job printed.
 */
import { closeSync, readSync } from 'node:fs';

export type Stream = 'stdout' | 'stderr';

const newline = 0x0a;

const queues: Record<Stream, Promise<void>> = { stdout: Promise.resolve(), stderr: Promise.resolve() };

/** Every line of `bytes` with `prefix` before it (a --tag). */
export function prefixLines(bytes: Buffer, prefix: Buffer): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(newline, start);
    const stop = end === -1 ? bytes.length : end + 1;
    parts.push(prefix, bytes.subarray(start, stop));
    start = stop;
  }
  return Buffer.concat(parts);
}

/** Resolves when the stream can take more, or is closed (its reader went away: EPIPE). */
function drained(stream: Stream): Promise<void> {
  const target = process[stream];
  if (target.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      target.off('drain', done);
      target.off('close', done);
      resolve();
    };
    target.once('drain', done);
    target.once('close', done);
  });
}

function enqueue(stream: Stream, task: () => Promise<void> | void): void {
  queues[stream] = queues[stream].then(task);
}

/** Writes bytes to our stdout or stderr after everything written before. */
export function writeOutput(stream: Stream, bytes: Buffer): void {
  if (bytes.length === 0) return;
  enqueue(stream, () => {
    if (!process[stream].destroyed && !process[stream].write(bytes)) return drained(stream);
  });
}

/** Writes bytes to our stdout or stderr; a tag prefixes every line (not across writes). */
export function writeTagged(stream: Stream, bytes: Buffer, tag: Buffer | undefined): void {
  if (bytes.length === 0) return;
  writeOutput(stream, tag === undefined ? bytes : prefixLines(bytes, tag));
}

/** Copies the first `length` bytes of a spilled file to our stream in pieces, then closes it. */
export function writeSpilledFile(stream: Stream, fd: number, length: number, tag: Buffer | undefined): void {
  enqueue(stream, async () => {
    const piece = Buffer.alloc(1024 * 1024);
    let carry = Buffer.alloc(0);
    for (let position = 0; position < length;) {
      const read = readSync(fd, piece, 0, Math.min(piece.length, length - position), position);
      position += read;
      // With a tag, lines must not be cut between pieces: hold back a trailing partial line.
      const bytes = Buffer.concat([carry, piece.subarray(0, read)]);
      const end = tag === undefined || position >= length ? bytes.length : bytes.lastIndexOf(newline) + 1;
      const out = tag === undefined ? bytes.subarray(0, end) : prefixLines(bytes.subarray(0, end), tag);
      carry = Buffer.from(bytes.subarray(end));
      if (process[stream].destroyed) break;
      if (out.length > 0 && !process[stream].write(out)) await drained(stream);
    }
    if (carry.length > 0 && !process[stream].destroyed) process[stream].write(tag === undefined ? carry : prefixLines(carry, tag));
    closeSync(fd);
  });
}

function flushStream(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('close', resolve);
    stream.write('', () => {
      stream.off('close', resolve);
      resolve();
    });
  });
}

/** Resolves once everything queued has been handed to the operating system. */
export function flushStandardStreams(): Promise<void> {
  return Promise.all([queues.stdout, queues.stderr])
    .then(() => Promise.all([flushStream(process.stdout), flushStream(process.stderr)]))
    .then(() => undefined);
}
