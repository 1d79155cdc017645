/** Output that passes through us: held whole (grouped) or written line by line. */
import { InOrder, releaseInOrder } from '../in-order.js';
import { Held } from './held.js';
import type { OnPrinted, Output } from './output.js';
import { flushStandardStreams, type Stream } from './streams.js';

interface JobOutput {
  tag: Buffer | undefined;
  stdout: Held;
  stderr: Held;
}

abstract class PipedOutput implements Output {
  readonly stdio = 'pipe';
  protected readonly jobs = new Map<number, JobOutput>();
  protected readonly order: InOrder | undefined;
  readonly #tagged: boolean;
  readonly #onPrinted: OnPrinted;

  constructor(keepOrder: boolean, tagged: boolean, onPrinted: OnPrinted) {
    this.order = keepOrder ? new InOrder() : undefined;
    this.#tagged = tagged;
    this.#onPrinted = onPrinted;
  }

  begin(seq: number, tag: string): void {
    this.jobs.get(seq)?.stdout.release();
    this.jobs.get(seq)?.stderr.release();
    this.jobs.set(seq, { tag: this.#tagged ? Buffer.from(`${tag}\t`, 'latin1') : undefined, stdout: new Held(), stderr: new Held() });
  }

  abstract data(seq: number, stream: Stream, chunk: Buffer): void;

  discard(seq: number): void {
    const job = this.jobs.get(seq);
    job?.stdout.release();
    job?.stderr.release();
    this.jobs.delete(seq);
  }

  finish(seq: number): void {
    releaseInOrder(this.order, seq, (released) => this.#writeRest(released));
    if (this.order !== undefined) this.caughtUp(this.order.next);
  }

  /** Called when `seq` becomes the first unfinished job under -k. */
  protected caughtUp(_seq: number): void {}

  /** Writes all the job still holds and forgets it. */
  #writeRest(seq: number): void {
    const job = this.jobs.get(seq);
    if (job !== undefined) {
      this.jobs.delete(seq);
      job.stdout.writeOut('stdout', job.tag);
      job.stderr.writeOut('stderr', job.tag);
    }
    this.#onPrinted(seq);
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
