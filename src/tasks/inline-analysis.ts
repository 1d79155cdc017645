/**
 * The parser half of inline tasks (see inline.ts): parses a function's source and refuses one
 * that uses names from outside its own body. Loaded on first use only, because acorn and
 * periscopic take tens of milliseconds to load and most programs never send an inline function
 * (and workers, which import multicore through their task modules, never do).
 */
import { createHash } from 'node:crypto';
import { parse } from 'acorn';
import { analyze } from 'periscopic';
import { TaskCaptureError } from '../errors.js';
import type { InlineTaskRef } from './inline.js';
import { transpilerHelpers } from './transpiler-helpers.js';

export function analyzeSource(text: string, name: string): InlineTaskRef {
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
  if (identifier === 'arguments' || Object.hasOwn(transpilerHelpers, identifier)) return true;
  // Workers share the main thread's globals (Math, console, process, fetch, Buffer...).
  return identifier in globalThis;
}
