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

/** Closed, or broken: its reader went away (EPIPE). */
function gone(target: NodeJS.WriteStream): boolean {
  return target.destroyed || Boolean(target.errored);
}

/**
 * Resolves when the stream can take more, or is closed or broken. Node closes a broken stdout;
 * Bun only emits the error, after which no 'drain' or 'close' ever comes and writes return false.
 */
function drained(stream: Stream): Promise<void> {
  const target = process[stream];
  if (gone(target)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      for (const event of ['drain', 'close', 'error']) target.off(event, done);
      resolve();
    };
    // The error itself is reported by whoever listens for it (cli/run.ts: EPIPE ends the run).
    for (const event of ['drain', 'close', 'error']) target.once(event, done);
  });
}

function enqueue(stream: Stream, task: () => Promise<void> | void): void {
  queues[stream] = queues[stream].then(task);
}

/** Writes bytes to our stdout or stderr after everything written before. */
export function writeOutput(stream: Stream, bytes: Buffer): void {
  if (bytes.length === 0) return;
  enqueue(stream, () => {
    if (!gone(process[stream]) && !process[stream].write(bytes)) return drained(stream);
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
      if (gone(process[stream])) break;
      if (out.length > 0 && !process[stream].write(out)) await drained(stream);
    }
    if (carry.length > 0 && !gone(process[stream])) process[stream].write(tag === undefined ? carry : prefixLines(carry, tag));
    closeSync(fd);
  });
}

function flushStream(stream: NodeJS.WriteStream): Promise<void> {
  if (gone(stream) || stream.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.once('close', done);
    stream.once('error', done);
    stream.write('', done);
  });
}

/** Resolves once everything queued has been handed to the operating system. */
export function flushStandardStreams(): Promise<void> {
  return Promise.all([queues.stdout, queues.stderr])
    .then(() => Promise.all([flushStream(process.stdout), flushStream(process.stderr)]))
    .then(() => undefined);
}
