/**
 * Where a call came from, appended to the stack of a task error so that it shows the caller as
 * well as the worker frames; and which module made the call, for inline functions that import
 * relative paths.
 *
 * Two ways, by cost: a call that spans many items (map, imap) captures its caller's stack when
 * it starts (CapturedCallSite), once for the whole call. `apply` is called so often that even
 * that capture costs a fifth of its throughput, so it asks for the stack only when it fails,
 * from the continuation of its `await` (awaitedCallSite): V8's async stack traces then name the
 * async functions awaiting the call, at no cost on success.
 */
import { pathToFileURL } from 'node:url';
import type { CallSite } from './error-rebuild.js';
import { isOwnFrame, withoutOwnFrames } from './own-frames.js';

/** `at f (file:///a/b.js:1:2)`, `at /a/b.js:1:2`, `at async f (C:\a\b.js:1:2)`: the module's location. */
const frameLocation = /(?:\(|^ {4}at (?:async )?)((?:file:\/\/|\/|[A-Za-z]:\\)[^()]*?):\d+:\d+\)?$/;

/** The URL of the first module in `stack` that is not multicore; undefined when none is a file. */
export function callerModule(stack: string | undefined): string | undefined {
  for (const line of (stack ?? '').split('\n')) {
    if (!line.startsWith('    at ') || isOwnFrame(line)) continue;
    const location = frameLocation.exec(line)?.[1];
    if (location === undefined) continue;
    return location.startsWith('file:') ? location : pathToFileURL(location).href;
  }
  return undefined;
}

/** The module calling multicore right now, from a fresh stack. */
export function callerModuleNow(): string | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  Error.captureStackTrace(holder, callerModuleNow);
  Error.stackTraceLimit = limit;
  return callerModule(holder.stack);
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

  /** The module that made the call. */
  callerModule(): string | undefined {
    return callerModule(this.#holder.stack);
  }
}
