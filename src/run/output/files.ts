/**
 * `--results DIR` and `--files`: each job's output goes to files. With --files the name of its
 * stdout file is printed; with --results alone nothing is.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InOrder, releaseInOrder } from '../in-order.js';
import type { OnPrinted, Output } from './output.js';
import { flushStandardStreams, writeOutput, type Stream } from './streams.js';

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

export interface ResultsRoot {
  root: string;
  names: () => readonly string[];
}

export class FileOutput implements Output {
  readonly stdio = 'pipe';
  readonly #jobs = new Map<number, FileJob>();
  readonly #order: InOrder | undefined;
  readonly #printed = new Map<number, string>();
  readonly #results: ResultsRoot | undefined;
  readonly #printNames: boolean;
  readonly #onPrinted: OnPrinted;

  constructor(keepOrder: boolean, results: ResultsRoot | undefined, printNames: boolean, onPrinted: OnPrinted) {
    this.#order = keepOrder ? new InOrder() : undefined;
    this.#results = results;
    this.#printNames = printNames;
    this.#onPrinted = onPrinted;
  }

  begin(seq: number, _tag: string, values: readonly string[]): void {
    this.discard(seq);
    this.#jobs.set(seq, this.#results !== undefined ? this.#openResults(seq, values, this.#results) : this.#openTemporary(seq));
  }

  #openResults(seq: number, values: readonly string[], results: ResultsRoot): FileJob {
    const directory = resultsDirectory(results.root, values, results.names());
    const fsDirectory = Buffer.from(directory, 'latin1').toString('utf8');
    mkdirSync(fsDirectory, { recursive: true });
    writeFileSync(path.join(fsDirectory, 'seq'), String(seq));
    return {
      stdout: openSync(path.join(fsDirectory, 'stdout'), 'w'),
      stderr: openSync(path.join(fsDirectory, 'stderr'), 'w'),
      stdoutPath: `${directory}/stdout`,
    };
  }

  #openTemporary(seq: number): FileJob {
    const stdoutPath = path.join(tmpdir(), `par${process.pid}-${seq}-${Math.random().toString(36).slice(2, 8)}.par`);
    return { stdout: openSync(stdoutPath, 'w'), stderr: -1, stdoutPath };
  }

  data(seq: number, stream: Stream, chunk: Buffer): void {
    const job = this.#jobs.get(seq);
    if (job !== undefined && job[stream] !== -1) writeSync(job[stream], chunk);
  }

  discard(seq: number): void {
    const job = this.#jobs.get(seq);
    if (job === undefined) return;
    closeSync(job.stdout);
    if (job.stderr !== -1) closeSync(job.stderr);
    this.#jobs.delete(seq);
  }

  finish(seq: number): void {
    const job = this.#jobs.get(seq);
    if (job !== undefined) {
      this.discard(seq);
      this.#printed.set(seq, job.stdoutPath);
    }
    releaseInOrder(this.#order, seq, (released) => this.#print(released));
  }

  #print(seq: number): void {
    const name = this.#printed.get(seq);
    this.#printed.delete(seq);
    if (name !== undefined && this.#printNames) writeOutput('stdout', Buffer.from(`${name}\n`, 'latin1'));
    this.#onPrinted(seq);
  }

  flush(): Promise<void> {
    return flushStandardStreams();
  }
}
