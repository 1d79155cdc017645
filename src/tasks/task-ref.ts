/**
 * One function turns the three ways of naming a task into the TaskRef that workers understand:
 * a task(import.meta, fn), an inline function, or a module reference { module, name }.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe } from '../errors/describe.js';
import type { TaskRef } from '../transport/messages.js';
import { callerModuleNow } from '../transport/call-site.js';
import { inlineTaskRef, type CallerModule } from './inline.js';
import type { ModuleTask } from './task.js';
import { taskLocation } from './task-location.js';

/**
 * The TaskRef for a task in any of its three forms. A promise only for an inline function while
 * the source parser loads (once per program); anything else is answered at once. `caller` names
 * the module that called the pool, for inline functions that import relative paths; by default
 * it is read from the stack of this call.
 */
export function toTaskRef(task: unknown, argumentName = 'fn', caller: CallerModule = callerModuleNow): TaskRef | Promise<TaskRef> {
  if (typeof task === 'function') {
    const location = (task as { [taskLocation]?: TaskRef })[taskLocation];
    return location ?? inlineTaskRef(task, caller);
  }
  if (typeof task === 'object' && task !== null && 'module' in task && 'name' in task) {
    return moduleRef(task as ModuleTask, argumentName);
  }
  throw new TypeError(
    `${argumentName} must be a function, a task(import.meta, fn), or a module reference { module, name }; got ${describe(task)}`,
  );
}

/** Module references are often reused for many calls: resolve each object once. */
const resolvedModuleRefs = new WeakMap<object, { module: unknown; name: unknown; ref: TaskRef }>();

function moduleRef(task: ModuleTask, argumentName: string): TaskRef {
  const { module, name } = task;
  const cached = resolvedModuleRefs.get(task);
  // Compared by identity, so an object changed after its first use is resolved again.
  if (cached !== undefined && cached.module === module && cached.name === name) return cached.ref;
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`${argumentName}.name must be the non-empty name of an exported function`);
  }
  const ref: TaskRef = { kind: 'module', module: moduleUrl(module, argumentName), name };
  resolvedModuleRefs.set(task, { module, name, ref });
  return ref;
}

/** URLs stay as they are; paths become file URLs (relative ones against the working directory). */
function moduleUrl(module: unknown, argumentName: string): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module === '') {
    throw new TypeError(`${argumentName}.module must be a URL or a path to the module, got ${typeof module}`);
  }
  if (/^[a-z][a-z\d+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;
  if (isAbsolute(module) || module.startsWith('.')) return pathToFileURL(resolve(module)).href;
  // A bare specifier (a package name) is imported by the worker as it is.
  return module;
}
