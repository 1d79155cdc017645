/**
 * A child's stderr passes through the parent on its way to the parent's own stderr, so that an
 * out-of-memory death can be told apart and its report kept short. V8 prints a page of GC traces
 * and native frames when a heap runs out; the relay swallows that page and says it in one line,
 * unless MULTICORE_HEAP_REPORT=full asks for the whole of it.
 */

/** The first line of V8's report when a heap runs out; everything after it is that report. */
const reportStart = '<--- Last few GCs --->';
// Node prints either of the first two, Deno the third.
const outOfMemory = /JavaScript heap out of memory|Reached heap limit|Fatal JavaScript out of memory/;

export class StderrRelay {
  readonly #write: (text: string) => void;
  readonly #full: boolean;
  /** The start of a line that may turn out to be the report's first line. */
  #held = '';
  #inReport = false;
  /** The end of what came before, so that a message split between two chunks is still seen. */
  #tail = '';
  #outOfMemory = false;

  constructor(write: (text: string) => void, env: NodeJS.ProcessEnv = process.env) {
    this.#write = write;
    this.#full = env.MULTICORE_HEAP_REPORT === 'full';
  }

  push(chunk: string): void {
    // V8's native stack follows the line that says why, and may be longer than any tail we keep.
    if (!this.#outOfMemory && outOfMemory.test(this.#tail + chunk)) this.#outOfMemory = true;
    this.#tail = (this.#tail + chunk).slice(-100);
    if (this.#full) {
      this.#write(chunk);
      return;
    }
    if (this.#inReport) return;
    const text = this.#held + chunk;
    this.#held = '';
    const start = text.indexOf(reportStart);
    if (start !== -1) {
      this.#inReport = true;
      this.#write(text.slice(0, start).replace(/\n+$/, '\n').replace(/^\n$/, ''));
      return;
    }
    // Hold back a trailing partial line only while it could still become the report's first line.
    const lastLine = text.slice(text.lastIndexOf('\n') + 1);
    const candidate = lastLine.trimStart();
    if (lastLine !== '' && candidate.length < reportStart.length && reportStart.startsWith(candidate)) {
      // With the blank lines V8 prints before its report.
      let cut = text.length - lastLine.length;
      while (cut > 0 && text[cut - 1] === '\n' && (cut === 1 || text[cut - 2] === '\n')) cut--;
      this.#held = text.slice(cut);
      this.#write(text.slice(0, cut));
      return;
    }
    this.#write(text);
  }

  /** The child is gone: says in one line what the swallowed report was about. */
  end(pid: number | undefined): void {
    if (this.#held !== '') this.#write(this.#held);
    this.#held = '';
    if (this.#inReport) {
      const what = this.outOfMemory() ? 'ran out of memory' : 'died with a V8 fatal error';
      this.#write(`multicore: a process worker (pid ${pid}) ${what}; set MULTICORE_HEAP_REPORT=full to see V8's report.\n`);
    }
  }

  /** Whether the child said it ran out of heap. */
  outOfMemory(): boolean {
    return this.#outOfMemory;
  }
}
