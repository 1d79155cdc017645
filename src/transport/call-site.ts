/**
 * The caller's stack, captured when a call enters the pool and formatted only if one of its
 * tasks fails. Capturing is cheap (V8 records frames; text is built lazily), so every call
 * gets one and task errors can show where they were awaited from.
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
