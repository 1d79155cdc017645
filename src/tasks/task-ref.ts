/**
 * One function turns the three ways of naming a task into the TaskRef that workers understand:
 * a task(import.meta, fn), an inline function, or a module reference { module, name }.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TaskRef } from '../transport/messages.js';
import { inlineTaskRef } from './inline.js';
import { taskLocation, type ModuleTask } from './task.js';

export function toTaskRef(task: unknown, argumentName = 'fn'): TaskRef {
  if (typeof task === 'function') {
    const location = (task as { [taskLocation]?: TaskRef })[taskLocation];
    return location ?? inlineTaskRef(task);
  }
  if (typeof task === 'object' && task !== null && 'module' in task && 'name' in task) {
    return moduleRef(task as ModuleTask, argumentName);
  }
  throw new TypeError(
    `${argumentName} must be a function, a task(import.meta, fn), or a module reference { module, name }; got ${task === null ? 'null' : typeof task}`,
  );
}

function moduleRef(task: ModuleTask, argumentName: string): TaskRef {
  const { module, name } = task;
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`${argumentName}.name must be the non-empty name of an exported function`);
  }
  return { kind: 'module', module: moduleUrl(module, argumentName), name };
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
