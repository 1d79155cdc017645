/**
 * What happens to the jobs' stdout and stderr. By default each job's output is held until it
 * ends and then written in one piece (never interleaved with another job's); `--line-buffer`
 * writes whole lines as they come; `-u` lets the jobs write to our stdout and stderr directly.
 * `-k` releases jobs in job-number order; `--tag` prefixes every line with the job's arguments.
 */
import { InOrder } from './in-order.js';

export interface Output {
  /** How the jobs' stdout and stderr are wired: through us, or straight to our own. */
  readonly stdio: 'pipe' | 'inherit';
  /** A job (or a retry of it) starts; `tag` is its arguments as `--tag` shows them. */
  begin(seq: number, tag: string): void;
  data(seq: number, stream: 'stdout' | 'stderr', chunk: Buffer): void;
  /** The job's attempt failed and will be retried: forget what it wrote so far. */
  discard(seq: number): void;
  /** The job is over (its last attempt ended, or it was skipped by --resume). */
  finish(seq: number): void;
  /** Resolves once everything written has been handed to the operating system. */
  flush(): Promise<void>;
}

interface Pending {
  chunks: Buffer[];
}

interface JobOutput {
  tag: string;
  stdout: Pending;
  stderr: Pending;
}

const newline = 0x0a;

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

function writeTo(stream: 'stdout' | 'stderr', bytes: Buffer, tag: string | undefined): void {
  if (bytes.length === 0) return;
  const text = tag === undefined ? bytes : prefixLines(bytes, Buffer.from(`${tag}\t`));
  process[stream].write(text);
}

/** Output that passes through us: held whole (grouped) or written line by line. */
abstract class PipedOutput implements Output {
  readonly stdio = 'pipe';
  protected readonly jobs = new Map<number, JobOutput>();
  protected readonly order: InOrder | undefined;

  constructor(keepOrder: boolean, private readonly tagged: boolean) {
    this.order = keepOrder ? new InOrder() : undefined;
  }

  begin(seq: number, tag: string): void {
    this.jobs.set(seq, { tag, stdout: { chunks: [] }, stderr: { chunks: [] } });
  }

  abstract data(seq: number, stream: 'stdout' | 'stderr', chunk: Buffer): void;

  discard(seq: number): void {
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
    if (job === undefined) return; // skipped by --resume, or never started
    this.jobs.delete(seq);
    for (const stream of ['stdout', 'stderr'] as const) {
      writeTo(stream, Buffer.concat(job[stream].chunks), this.tagOf(job));
    }
  }

  /** Writes the complete lines the job holds on one stream, keeping a trailing partial line. */
  protected writeLines(job: JobOutput, stream: 'stdout' | 'stderr'): void {
    const pending = job[stream];
    const bytes = pending.chunks.length === 1 ? pending.chunks[0]! : Buffer.concat(pending.chunks);
    const end = bytes.lastIndexOf(newline) + 1;
    if (end === 0) {
      pending.chunks = [bytes];
      return;
    }
    writeTo(stream, bytes.subarray(0, end), this.tagOf(job));
    pending.chunks = end === bytes.length ? [] : [bytes.subarray(end)];
  }

  protected tagOf(job: JobOutput): string | undefined {
    return this.tagged ? job.tag : undefined;
  }

  flush(): Promise<void> {
    return flushStandardStreams();
  }
}

/** Default (`--group`): a job's output appears only when it has finished, all in one piece. */
export class GroupedOutput extends PipedOutput {
  data(seq: number, stream: 'stdout' | 'stderr', chunk: Buffer): void {
    this.jobs.get(seq)?.[stream].chunks.push(chunk);
  }
}

/** `--line-buffer`: whole lines as soon as they are complete; under -k only the oldest job's. */
export class LineBufferedOutput extends PipedOutput {
  data(seq: number, stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const job = this.jobs.get(seq);
    if (job === undefined) return;
    job[stream].chunks.push(chunk);
    if (this.order === undefined || this.order.next === seq) this.writeLines(job, stream);
  }

  protected override caughtUp(seq: number): void {
    const job = this.jobs.get(seq);
    if (job === undefined) return;
    this.writeLines(job, 'stdout');
    this.writeLines(job, 'stderr');
  }
}

/** `-u`: jobs write straight to our stdout and stderr; nothing passes through us. */
export class UngroupedOutput implements Output {
  readonly stdio = 'inherit';
  begin(): void {}
  data(): void {}
  discard(): void {}
  finish(): void {}
  flush(): Promise<void> {
    return flushStandardStreams();
  }
}

function flushStream(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    stream.write('', () => resolve());
  });
}

function flushStandardStreams(): Promise<void> {
  return Promise.all([flushStream(process.stdout), flushStream(process.stderr)]).then(() => undefined);
}

export function createOutput(mode: 'group' | 'line-buffer' | 'ungroup', keepOrder: boolean, tag: boolean): Output {
  switch (mode) {
    case 'group':
      return new GroupedOutput(keepOrder, tag);
    case 'line-buffer':
      return new LineBufferedOutput(keepOrder, tag);
    case 'ungroup':
      return new UngroupedOutput();
  }
}
