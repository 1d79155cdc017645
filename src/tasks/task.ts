/**
 * `task(import.meta, fn)` names a function by its module and its name, so that a worker can
 * import the module and find it. The function itself is returned, still callable locally.
 */
import { describe } from '../errors/describe.js';
import type { TaskRef } from '../transport/messages.js';
import { taskLocation } from './task-location.js';

/** node:url, on first use: only CommonJS task modules need it, and multicore/task loads in every worker. */
const nodeUrl = () => process.getBuiltinModule('node:url');

export type NamedTask<F extends (...args: any[]) => unknown> = F & {
  readonly [taskLocation]: Extract<TaskRef, { kind: 'module' }>;
};

/** A reference to an exported function of a module; `F` types it where the caller knows it. */
export interface ModuleTask<F extends (...args: any[]) => unknown = (...args: any[]) => unknown> {
  /** The module's URL (`import.meta.url`, a `file:` URL), an absolute path, or a path relative to the working directory. */
  module: string | URL;
  /** The export's name. */
  name: string;
  /** Carries the function's type only; never set at run time. */
  readonly __signature?: F;
}

/** Any of the three ways to name a task: a function (inline or from task()), or a module reference. */
export type TaskInput<F extends (...args: any[]) => unknown> = F | ModuleTask<F>;

/** Stops inference at this position (TypeScript's NoInfer, which needs 5.4): T comes from elsewhere. */
export type NoInferHere<T> = [T][T extends any ? 0 : never];

export interface TaskOptions {
  /** The export name to look up in workers; defaults to the function's own name. */
  name?: string;
}

/** What `task()` takes to know its module: `import.meta` in an ES module, `module` in CommonJS. */
export type TaskModule = ImportMeta | { readonly filename: string };

/**
 * Marks `fn` as a task that workers load from the module calling `task()`.
 * Export the result; the worker imports this module and finds it by name.
 * In a CommonJS module pass `module` instead of `import.meta`.
 *
 * @example
 * // tasks.ts
 * export const hello = task(import.meta, function hello(name: string) {
 *   return `Hello, ${name}!`;
 * });
 * // tasks.cjs
 * exports.hello = task(module, function hello(name) {
 *   return `Hello, ${name}!`;
 * });
 */
export function task<F extends (...args: any[]) => unknown>(meta: TaskModule, fn: F, options: TaskOptions = {}): NamedTask<F> {
  const moduleUrl = taskModuleUrl(meta);
  if (typeof fn !== 'function') {
    throw new TypeError(`task(meta, fn): the second argument must be a function, got ${describe(fn)}`);
  }
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
    throw new TypeError('task(meta, fn, { name }): name must be a non-empty string');
  }
  const name = options.name ?? fn.name;
  if (name === '') {
    throw new TypeError(
      'task(meta, fn): the function has no name, so workers cannot find it. Write a named function, ' +
        "task(import.meta, function hello(x) { ... }), or pass the export name: task(import.meta, fn, { name: 'hello' })",
    );
  }
  Object.defineProperty(fn, taskLocation, { value: { kind: 'module', module: moduleUrl, name }, enumerable: false });
  return fn as NamedTask<F>;
}

function taskModuleUrl(meta: unknown): string {
  if (typeof meta === 'object' && meta !== null) {
    const { url, filename } = meta as { url?: unknown; filename?: unknown };
    if (typeof url === 'string') return url;
    if (typeof filename === 'string' && filename !== '') return nodeUrl().pathToFileURL(filename).href;
  }
  throw new TypeError('task(meta, fn): the first argument must be import.meta of the module that exports the task (or `module` in a CommonJS module)');
}
