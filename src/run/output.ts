/**
 * What happens to the jobs' stdout and stderr. By default each job's output is held until it
 * ends and then written in one piece (never interleaved with another job's), in memory up to a
 * bound and in a temporary file past it; `--line-buffer` writes whole lines as they come; `-u`
 * lets the jobs write to our stdout and stderr directly; `--results`/`--files` store it in
 * files. `-k` releases jobs in job-number order; `--tag`/`--tagstring` prefix every line.
 * Once a job's output is written, `onPrinted` is told (the joblog follows it, as in GNU).
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InOrder } from './in-order.js';

export type Stream = 'stdout' | 'stderr';

export interface Output {
  /** How the jobs' stdout and stderr are wired: through us, or straight to our own. */
  readonly stdio: 'pipe' | 'inherit';
  /** A job (or a retry of it) starts; `tag` is the --tag/--tagstring prefix, as bytes. */
  begin(seq: number, tag: string, values: readonly string[]): void;
  data(seq: number, stream: Stream, chunk: Buffer): void;
  /** The job's attempt failed and will be retried, or was killed: forget what it wrote. */
  discard(seq: number): void;
  /** The job is over (its last attempt ended, it was killed, or skipped by --resume). */
  finish(seq: number): void;
  /** Resolves once everything written has been handed to the operating system. */
  flush(): Promise<void>;
}

export type OnPrinted = (seq: number) => void;

const newline = 0x0a;

/** A job's output on one stream held in memory past this many bytes goes to a temporary file. */
export const spillBytes = 8 * 1024 * 1024;

function prefixLines(bytes: Buffer, prefix: Buffer): Buffer {
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

/**
 * Our stdout and stderr are written through one queue each, in order. A write to a pipe is
 * asynchronous in Node, so copying a spilled file waits for the pipe to drain between pieces:
 * that keeps memory bounded however much a job printed.
 */
const queues: Record<Stream, Promise<void>> = { stdout: Promise.resolve(), stderr: Promise.resolve() };

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
function writeTo(stream: Stream, bytes: Buffer, tag: Buffer | undefined): void {
  if (bytes.length === 0) return;
  writeOutput(stream, tag === undefined ? bytes : prefixLines(bytes, tag));
}

/** Copies a spilled file to our stream in pieces, each written once the one before drained. */
function writeFile(stream: Stream, fd: number, length: number, tag: Buffer | undefined): void {
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

/** One stream of one job: chunks in memory, or a temporary file once they grow past the bound. */
class Held {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private fd: number | undefined;
  private fileBytes = 0;
  /** The file's bytes up to and including its last newline (what --line-buffer may write). */
  private fileLinesEnd = 0;

  add(chunk: Buffer): void {
    if (this.fd !== undefined) {
      this.writeToFile(chunk);
      return;
    }
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (this.bytes > spillBytes) {
      this.fd = spillFile();
      for (const held of this.chunks) this.writeToFile(held);
      this.chunks = [];
      this.bytes = 0;
    }
  }

  private writeToFile(chunk: Buffer): void {
    const lastNewline = chunk.lastIndexOf(newline);
    if (lastNewline !== -1) this.fileLinesEnd = this.fileBytes + lastNewline + 1;
    this.fileBytes += writeSync(this.fd!, chunk);
  }

  /** Writes everything held, the file in pieces so that memory stays bounded. */
  writeOut(stream: Stream, tag: Buffer | undefined): void {
    if (this.fd !== undefined) {
      writeFile(stream, this.fd, this.fileBytes, tag);
      this.fd = undefined; // the copy closes it
      this.fileBytes = 0;
      this.fileLinesEnd = 0;
      return;
    }
    writeTo(stream, this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks), tag);
    this.chunks = [];
  }

  /** Line buffering: writes the complete lines once `chunk` brings a newline; linear time. */
  addLines(chunk: Buffer, stream: Stream, tag: Buffer | undefined, live: boolean): void {
    const end = chunk.lastIndexOf(newline) + 1;
    if (!live || end === 0) {
      this.add(chunk);
      return;
    }
    if (this.fd !== undefined) {
      this.add(chunk.subarray(0, end));
      this.writeOut(stream, tag);
    } else {
      this.chunks.push(chunk.subarray(0, end));
      this.writeOut(stream, tag);
    }
    this.bytes = 0;
    if (end < chunk.length) this.add(chunk.subarray(end));
  }

  /** Under -k with --line-buffer, when the job becomes the oldest: its complete lines so far. */
  writeLines(stream: Stream, tag: Buffer | undefined): void {
    if (this.fd !== undefined) {
      // Its complete lines are copied from the file; the partial line after them comes back
      // into memory, to be completed by what the job writes next.
      const end = this.fileLinesEnd;
      if (end === 0) return;
      const rest = Buffer.alloc(this.fileBytes - end);
      if (rest.length > 0) readSync(this.fd, rest, 0, rest.length, end);
      writeFile(stream, this.fd, end, tag);
      this.fd = undefined; // the copy closes it
      this.fileBytes = 0;
      this.fileLinesEnd = 0;
      this.chunks = rest.length > 0 ? [rest] : [];
      this.bytes = rest.length;
      return;
    }
    const bytes = Buffer.concat(this.chunks);
    const end = bytes.lastIndexOf(newline) + 1;
    writeTo(stream, bytes.subarray(0, end), tag);
    this.chunks = end === bytes.length ? [] : [bytes.subarray(end)];
    this.bytes = bytes.length - end;
  }

  release(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.fileBytes = 0;
    this.fileLinesEnd = 0;
    this.chunks = [];
    this.bytes = 0;
  }
}

interface JobOutput {
  tag: Buffer | undefined;
  stdout: Held;
  stderr: Held;
}

/** Output that passes through us: held whole (grouped) or written line by line. */
abstract class PipedOutput implements Output {
  readonly stdio = 'pipe';
  protected readonly jobs = new Map<number, JobOutput>();
  protected readonly order: InOrder | undefined;

  constructor(keepOrder: boolean, private readonly tagged: boolean, private readonly onPrinted: OnPrinted) {
    this.order = keepOrder ? new InOrder() : undefined;
  }

  begin(seq: number, tag: string): void {
    this.jobs.get(seq)?.stdout.release();
    this.jobs.get(seq)?.stderr.release();
    this.jobs.set(seq, { tag: this.tagged ? Buffer.from(`${tag}\t`, 'latin1') : undefined, stdout: new Held(), stderr: new Held() });
  }

  abstract data(seq: number, stream: Stream, chunk: Buffer): void;

  discard(seq: number): void {
    const job = this.jobs.get(seq);
    job?.stdout.release();
    job?.stderr.release();
    this.jobs.delete(seq);
  }

  finish(seq: number): void {
    if (this.order === undefined) {
      this.writeRest(seq);
      return;
    }
    this.order.release(seq, (released) => this.writeRest(released));
    this.caughtUp(this.order.next);
  }

  /** Called when `seq` becomes the first unfinished job under -k. */
  protected caughtUp(_seq: number): void {}

  /** Writes all the job still holds and forgets it. */
  protected writeRest(seq: number): void {
    const job = this.jobs.get(seq);
    if (job !== undefined) {
      this.jobs.delete(seq);
      job.stdout.writeOut('stdout', job.tag);
      job.stderr.writeOut('stderr', job.tag);
    }
    this.onPrinted(seq);
  }

  flush(): Promise<void> {
    return flushStandardStreams();
  }
}

/** Default (`--group`): a job's output appears only when it has finished, all in one piece. */
export class GroupedOutput extends PipedOutput {
  data(seq: number, stream: Stream, chunk: Buffer): void {
    this.jobs.get(seq)?.[stream].add(chunk);
  }
}

/** `--line-buffer`: whole lines as soon as they are complete; under -k only the oldest job's. */
export class LineBufferedOutput extends PipedOutput {
  data(seq: number, stream: Stream, chunk: Buffer): void {
    const job = this.jobs.get(seq);
    if (job === undefined) return;
    job[stream].addLines(chunk, stream, job.tag, this.order === undefined || this.order.next === seq);
  }

  protected override caughtUp(seq: number): void {
    const job = this.jobs.get(seq);
    if (job === undefined) return;
    job.stdout.writeLines('stdout', job.tag);
    job.stderr.writeLines('stderr', job.tag);
  }
}

/** `-u`: jobs write straight to our stdout and stderr; nothing passes through us. */
export class UngroupedOutput implements Output {
  readonly stdio = 'inherit';
  private readonly order: InOrder | undefined;

  constructor(keepOrder: boolean, private readonly onPrinted: OnPrinted) {
    this.order = keepOrder ? new InOrder() : undefined;
  }

  begin(): void {}
  data(seq: number, stream: Stream, chunk: Buffer): void {
    // Only our own lines (-v) come here; the jobs' output does not pass through us.
    void seq;
    writeOutput(stream, chunk);
  }
  discard(): void {}
  finish(seq: number): void {
    if (this.order === undefined) this.onPrinted(seq);
    else this.order.release(seq, this.onPrinted);
  }
  flush(): Promise<void> {
    return flushStandardStreams();
  }
}

/** `--results DIR`: DIR/1/value/2/value/{stdout,stderr,seq}, with `/` written `\_` as GNU does. */
export function resultsDirectory(root: string, values: readonly string[], names: readonly string[]): string {
  const escape = (value: string) => value.replaceAll('\\', '\\\\').replaceAll('/', '\\_');
  const parts = values.map((value, index) => `${escape(names[index] || String(index + 1))}/${escape(value)}`);
  return `${root}/${parts.join('/')}`;
}

interface FileJob {
  stdout: number;
  stderr: number;
  stdoutPath: string;
}

/**
 * `--results DIR` and `--files`: each job's output goes to files. With --files the name of its
 * stdout file is printed; with --results alone nothing is.
 */
export class FileOutput implements Output {
  readonly stdio = 'pipe';
  private readonly jobs = new Map<number, FileJob>();
  private readonly order: InOrder | undefined;
  private readonly printed = new Map<number, string>();

  constructor(
    keepOrder: boolean,
    private readonly results: { root: string; names: () => readonly string[] } | undefined,
    private readonly printNames: boolean,
    private readonly onPrinted: OnPrinted,
  ) {
    this.order = keepOrder ? new InOrder() : undefined;
  }

  begin(seq: number, _tag: string, values: readonly string[]): void {
    this.discard(seq);
    let job: FileJob;
    if (this.results !== undefined) {
      const directory = resultsDirectory(this.results.root, values, this.results.names());
      const fsDirectory = Buffer.from(directory, 'latin1').toString('utf8');
      mkdirSync(fsDirectory, { recursive: true });
      writeFileSync(path.join(fsDirectory, 'seq'), String(seq));
      job = {
        stdout: openSync(path.join(fsDirectory, 'stdout'), 'w'),
        stderr: openSync(path.join(fsDirectory, 'stderr'), 'w'),
        stdoutPath: `${directory}/stdout`,
      };
    } else {
      const stdoutPath = path.join(tmpdir(), `par${process.pid}-${seq}-${Math.random().toString(36).slice(2, 8)}.par`);
      job = { stdout: openSync(stdoutPath, 'w'), stderr: -1, stdoutPath };
    }
    this.jobs.set(seq, job);
  }

  data(seq: number, stream: Stream, chunk: Buffer): void {
    const job = this.jobs.get(seq);
    if (job !== undefined && job[stream] !== -1) writeSync(job[stream], chunk);
  }

  discard(seq: number): void {
    const job = this.jobs.get(seq);
    if (job === undefined) return;
    closeSync(job.stdout);
    if (job.stderr !== -1) closeSync(job.stderr);
    this.jobs.delete(seq);
  }

  finish(seq: number): void {
    const job = this.jobs.get(seq);
    if (job !== undefined) {
      this.discard(seq);
      this.printed.set(seq, job.stdoutPath);
    }
    const print = (released: number): void => {
      const name = this.printed.get(released);
      this.printed.delete(released);
      if (name !== undefined && this.printNames) writeOutput('stdout', Buffer.from(`${name}\n`, 'latin1'));
      this.onPrinted(released);
    };
    if (this.order === undefined) print(seq);
    else this.order.release(seq, print);
  }

  flush(): Promise<void> {
    return flushStandardStreams();
  }
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

function flushStandardStreams(): Promise<void> {
  return Promise.all([queues.stdout, queues.stderr])
    .then(() => Promise.all([flushStream(process.stdout), flushStream(process.stderr)]))
    .then(() => undefined);
}

export interface OutputChoice {
  mode: 'group' | 'line-buffer' | 'ungroup';
  keepOrder: boolean;
  tagged: boolean;
  results: { root: string; names: () => readonly string[] } | undefined;
  files: boolean;
}

export function createOutput(choice: OutputChoice, onPrinted: OnPrinted): Output {
  if (choice.results !== undefined || choice.files) return new FileOutput(choice.keepOrder, choice.results, choice.files, onPrinted);
  switch (choice.mode) {
    case 'group':
      return new GroupedOutput(choice.keepOrder, choice.tagged, onPrinted);
    case 'line-buffer':
      return new LineBufferedOutput(choice.keepOrder, choice.tagged, onPrinted);
    case 'ungroup':
      return new UngroupedOutput(choice.keepOrder, onPrinted);
  }
}
