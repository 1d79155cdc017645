/**
 * The parser half of inline tasks (see inline.ts): parses a function's source, refuses one that
 * uses names from outside its own body, and finds what depends on the calling module
 * (`import(...)`, `import.meta`). Loaded on first use only, because acorn takes milliseconds to
 * load and most programs never send an inline function (and workers, which import multicore
 * through their task modules, never do).
 */
import { parse } from 'acorn';
import { TaskCaptureError } from '../errors.js';
import { analyzeScopes, type AstNode } from './scope-analysis.js';
import { transpilerHelpers } from './transpiler-helpers.js';

/** A function's source, checked, with the ranges to rewrite once the calling module is known. */
export interface InlineSource {
  name: string;
  /** The source as one expression: `(function f() {...})`, `(x => ...)`... */
  expression: string;
  dynamicImports: { start: number; sourceStart: number }[];
  importMetas: { start: number; end: number }[];
}

export function analyzeSource(text: string, name: string): InlineSource {
  if (/\{\s*\[native code\]\s*\}\s*$/.test(text)) {
    // A bound function's name is 'bound ' + the target's name, which may be empty.
    const shown = name.replace(/^bound /, '');
    const what = shown === '' ? 'The function' : `The function '${shown}'`;
    throw new TypeError(
      `${what} is native or bound, so its source cannot be sent to a worker. ` +
        'Wrap the call in an inline arrow function, or define it in a module with task(import.meta, fn).',
    );
  }
  if (/^class\b/.test(text)) {
    throw new TypeError(`'${name}' is a class, not a task function: pass a function that creates or uses it.`);
  }
  const { expression, program } = parseAsExpression(text, name);
  const { free, outerThis, dynamicImports, importMetas } = analyzeScopes(program);
  const captured = free.filter((identifier) => !isAvailableInWorker(identifier));
  // An arrow's `this` is its module's (undefined in an ES module): in a worker it would be another.
  if (outerThis) captured.unshift('this');
  if (captured.length > 0) throw new TaskCaptureError(captured, name);
  return { name, expression, dynamicImports, importMetas };
}

/**
 * Function sources come in three shapes: expressions, declarations, and object methods (with
 * accessors and computed keys); each shape is tried as one expression, in this order.
 */
export function expressionShapes(text: string): string[] {
  return [`(${text})`, `__multicoreMethod({${text}})`];
}

function parseAsExpression(text: string, name: string): { expression: string; program: AstNode } {
  for (const expression of expressionShapes(text)) {
    try {
      const program = parse(expression, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true });
      return { expression, program: program as unknown as AstNode };
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
  // `arguments` is free only in an arrow that reads an enclosing function's: in the worker it
  // would silently be another function's, so it is a capture like any other name.
  if (Object.hasOwn(transpilerHelpers, identifier)) return true;
  // Workers share the main thread's globals (Math, console, process, fetch, Buffer...).
  return identifier in globalThis;
}
