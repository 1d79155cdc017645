/**
 * Inline task functions travel as source text and are compiled once per worker. Before one is
 * sent, its source is parsed to find names it uses from outside its own body: those would be
 * undefined in the worker, so we refuse the call up front with the names, instead of letting
 * the worker fail later with a bare ReferenceError.
 */
import { createHash } from 'node:crypto';
import { parse } from 'acorn';
import { analyze } from 'periscopic';
import { TaskCaptureError } from '../errors.js';
import type { TaskRef } from '../transport/messages.js';

export type InlineTaskRef = Extract<TaskRef, { kind: 'inline' }> & { source: string };

/**
 * Helpers that transpilers insert into function bodies and that the worker provides when it
 * compiles an inline function (see tasks/resolve.ts). esbuild (used by tsx) adds `__name` to
 * keep function names.
 */
export const transpilerHelpers = ['__name'] as const;

const analyzed = new WeakMap<Function, InlineTaskRef>();
const bySource = new Map<string, InlineTaskRef>();

/** Describes an inline function for the workers, or throws TaskCaptureError / TypeError. */
export function inlineTaskRef(fn: Function): InlineTaskRef {
  const cached = analyzed.get(fn);
  if (cached !== undefined) return cached;
  const text = Function.prototype.toString.call(fn);
  let ref = bySource.get(text);
  if (ref === undefined) {
    ref = analyzeSource(text, fn.name);
    bySource.set(text, ref);
  }
  analyzed.set(fn, ref);
  return ref;
}

function analyzeSource(text: string, name: string): InlineTaskRef {
  if (/\{\s*\[native code\]\s*\}\s*$/.test(text)) {
    throw new TypeError(
      `The function '${name}' is native or bound, so its source cannot be sent to a worker. ` +
        'Wrap the call in an inline arrow function, or define it in a module with task(import.meta, fn).',
    );
  }
  if (/^class\b/.test(text)) {
    throw new TypeError(`'${name}' is a class, not a task function: pass a function that creates or uses it.`);
  }
  const { expression, program } = parseAsExpression(text, name);
  const { globals } = analyze(program as Parameters<typeof analyze>[0]);
  const captured = [...globals.keys()].filter((identifier) => !isAvailableInWorker(identifier));
  if (captured.length > 0) throw new TaskCaptureError(captured, name);
  const hash = createHash('sha256').update(expression).digest('base64url').slice(0, 22);
  return { kind: 'inline', hash, name, source: expression };
}

/** Function sources come in three shapes: expressions, declarations, and object-method shorthand. */
function parseAsExpression(text: string, name: string): { expression: string; program: unknown } {
  const candidates = [`(${text})`, `Object.values({${text}})[0]`];
  for (const expression of candidates) {
    try {
      const program = parse(expression, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true });
      return { expression, program };
    } catch {
      // Not this shape; the next candidate is tried, and all failing is reported below.
    }
  }
  throw new TypeError(
    `The source of the function '${name}' could not be parsed, so it cannot be sent to a worker. ` +
      'Define it in a module with task(import.meta, fn).',
  );
}

function isAvailableInWorker(identifier: string): boolean {
  if (identifier === 'arguments' || (transpilerHelpers as readonly string[]).includes(identifier)) return true;
  // Workers share the main thread's globals (Math, console, process, fetch, Buffer...).
  return identifier in globalThis;
}
