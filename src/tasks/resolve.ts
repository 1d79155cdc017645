/**
 * Worker side: from a TaskRef to the function to call. Modules are imported once and inline
 * sources compiled once per worker; later chunks find the function in a map without awaiting.
 */
import { TaskLoadError, TaskNotFoundError } from '../errors/task-errors.js';
import type { TaskRef } from '../transport/messages.js';
import { transpilerHelperNames, transpilerHelpers } from './transpiler-helpers.js';
import { taskLocation } from './task-location.js';

type AnyFunction = (...args: unknown[]) => unknown;

/** Set on globalThis while a worker imports a task module; Pool refuses to start then. */
const loadingTaskModuleKey = Symbol.for('multicore.loadingTaskModule');

/** The task module this thread is importing now, if any: a Pool created then would start workers from a worker. */
export function taskModuleBeingLoaded(): string | undefined {
  return (globalThis as unknown as Record<symbol, string | undefined>)[loadingTaskModuleKey];
}

const resolved = new Map<string, AnyFunction>();

function cacheKey(ref: TaskRef): string {
  return ref.kind === 'module' ? `module:${ref.module}#${ref.name}` : `inline:${ref.hash}`;
}

/**
 * The last ref looked up and its function. The chunks of a batch share one ref object (see
 * batch-codec.ts), so most lookups are this one; building the key string (a module's whole URL)
 * and hashing it for every chunk took a seventh of a worker's time in a burst of tiny calls.
 */
let lastRef: TaskRef | undefined;
let lastFn: AnyFunction | undefined;

/** The function for `ref` if it was resolved before, without awaiting. */
export function cachedTask(ref: TaskRef): AnyFunction | undefined {
  if (ref === lastRef) return lastFn;
  const fn = resolved.get(cacheKey(ref));
  if (fn !== undefined) {
    lastRef = ref;
    lastFn = fn;
  }
  return fn;
}

/** Imports or compiles the task's function; throws TaskLoadError or TaskNotFoundError. */
export async function resolveTask(ref: TaskRef): Promise<AnyFunction> {
  const key = cacheKey(ref);
  const known = resolved.get(key);
  if (known !== undefined) return known;
  const fn = ref.kind === 'module' ? await findExport(ref.module, ref.name) : compileInline(ref);
  resolved.set(key, fn);
  return fn;
}

async function findExport(moduleUrl: string, name: string): Promise<AnyFunction> {
  const namespace = await importTaskModule(moduleUrl);
  const direct = Object.hasOwn(namespace, name) ? namespace[name] : undefined;
  if (typeof direct === 'function') return direct as AnyFunction;
  // `export const greet = task(import.meta, function hello() {})` is found by its task name too.
  for (const value of Object.values(namespace)) {
    if (typeof value === 'function' && (value as { [taskLocation]?: { name: string } })[taskLocation]?.name === name) {
      return value as AnyFunction;
    }
  }
  const available = Object.keys(namespace).filter((key) => typeof namespace[key] === 'function');
  throw new TaskNotFoundError(name, moduleUrl, available);
}

const modules = new Map<string, Promise<Record<string, unknown>>>();

function importTaskModule(moduleUrl: string): Promise<Record<string, unknown>> {
  let loading = modules.get(moduleUrl);
  if (loading === undefined) {
    loading = importMarked(moduleUrl);
    modules.set(moduleUrl, loading);
  }
  return loading;
}

async function importMarked(moduleUrl: string): Promise<Record<string, unknown>> {
  const flags = globalThis as unknown as Record<symbol, string | undefined>;
  flags[loadingTaskModuleKey] = moduleUrl;
  try {
    return (await import(moduleUrl)) as Record<string, unknown>;
  } catch (error) {
    // The module created a Pool while we imported it: that error already says what to do.
    if (error instanceof Error && (error as { code?: unknown }).code === 'ERR_POOL_IN_WORKER') throw error;
    throw new TaskLoadError(moduleUrl, error);
  } finally {
    flags[loadingTaskModuleKey] = undefined;
  }
}

function compileInline(ref: Extract<TaskRef, { kind: 'inline' }>): AnyFunction {
  if (ref.source === undefined) {
    throw new Error(`multicore internal error: inline task ${ref.hash} reached a worker without its source`);
  }
  // Strict, as the ES module the function was written in (and as inline-analysis parsed it):
  // a plain call gives it an undefined `this`, not the worker's globalThis.
  const factory = new Function(...transpilerHelperNames, `'use strict'; return ${ref.source};`) as (...helpers: unknown[]) => AnyFunction;
  return factory(...transpilerHelperNames.map((name) => transpilerHelpers[name]));
}
