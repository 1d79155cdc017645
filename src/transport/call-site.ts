/**
 * Where a call came from, appended to the stack of a task error so that it shows the caller as
 * well as the worker frames.
 *
 * Two ways, by cost: a call that spans many items (map, imap) captures its caller's stack when
 * it starts (CapturedCallSite), once for the whole call. `apply` is called so often that even
 * that capture costs a fifth of its throughput, so it asks for the stack only when it fails,
 * from the continuation of its `await` (awaitedCallSite): V8's async stack traces then name the
 * async functions awaiting the call, at no cost on success.
 */
import { fileURLToPath } from 'node:url';
import type { CallSite } from './error-codec.js';

const packageDirUrl = new URL('../', import.meta.url).href;
const packageDirPath = fileURLToPath(packageDirUrl);

/** Removes multicore's own frames from a stack: they say nothing about the user's code. */
export function withoutOwnFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => !(line.startsWith('    at ') && (line.includes(packageDirUrl) || line.includes(packageDirPath))))
    .join('\n');
}

/** The async callers awaiting the current function, read at the moment of the failure. */
export function awaitedCallSite(origin: string): CallSite {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, awaitedCallSite);
  return { frames: withoutOwnFrames((holder.stack ?? '').split('\n').slice(1).join('\n')), origin };
}

export class CapturedCallSite {
  readonly #holder: { stack?: string } = {};
  readonly #origin: string;
  #frames: string | undefined;

  constructor(origin: string) {
    this.#origin = origin;
    Error.captureStackTrace(this.#holder);
  }

  /** Frames outside multicore itself, as "    at ..." lines. */
  toCallSite(): CallSite {
    this.#frames ??= withoutOwnFrames((this.#holder.stack ?? '').split('\n').slice(1).join('\n'));
    return { frames: this.#frames, origin: this.#origin };
  }
}
