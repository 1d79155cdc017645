/**
 * A task set is what one task module offers: its stem (the file name without extension) and
 * the names of its task functions. Producers and workers derive the queue name from it, so a
 * producer only reaches workers that serve a module of the same name with the same task names,
 * and workers that serve an older or different module never take its jobs.
 *
 * Paths do not enter the hash: a worker on another machine has the module elsewhere, and a
 * producer may run tasks.ts through a loader while workers run the built tasks.js.
 */
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TaskLoadError } from '../../errors.js';
import { taskLocation } from '../../tasks/task-location.js';

export interface TaskSet {
  /** The module's URL on this machine. */
  module: string;
  stem: string;
  /** Sorted; export names and task(import.meta, fn) names alike. */
  names: readonly string[];
  /** stem and hash, e.g. "tasks.3f9a0c1b2d4e": appended to the queue's base name. */
  id: string;
}

/** The functions a module namespace offers as tasks, sorted. */
export function taskNames(namespace: Record<string, unknown>): string[] {
  const names = new Set<string>();
  for (const [key, value] of Object.entries(namespace)) {
    if (typeof value !== 'function' || isClass(value)) continue;
    names.add(key);
    const location = (value as { [taskLocation]?: { name: string } })[taskLocation];
    if (location !== undefined) names.add(location.name);
  }
  return [...names].sort();
}

/** Exported classes (error types, helpers) are functions too, but never tasks. */
function isClass(value: Function): boolean {
  return /^class\b/.test(Function.prototype.toString.call(value));
}

export function describeTaskSet(moduleUrl: string, names: readonly string[]): TaskSet {
  const stem = moduleStem(moduleUrl);
  const hash = createHash('sha256').update(`${stem}\n${names.join('\n')}`).digest('hex').slice(0, 12);
  return { module: moduleUrl, stem, names, id: `${stem}.${hash}` };
}

/** The queue for one task set: BullMQ keys are `bull:<queue>:...`. */
export function queueFor(base: string, taskSet: TaskSet): string {
  return `${base}.${taskSet.id}`;
}

function moduleStem(moduleUrl: string): string {
  const path = moduleUrl.startsWith('file:') ? fileURLToPath(moduleUrl) : moduleUrl;
  const file = basename(path);
  const stem = file.slice(0, file.length - extname(file).length) || file;
  return stem.replace(/[^\w-]/g, '_');
}

const loaded = new Map<string, Promise<TaskSet>>();

/** Imports the module (once per process) and describes its task set; rejects with TaskLoadError. */
export function loadTaskSet(moduleUrl: string): Promise<TaskSet> {
  let taskSet = loaded.get(moduleUrl);
  if (taskSet === undefined) {
    taskSet = import(moduleUrl).then(
      (namespace: Record<string, unknown>) => describeTaskSet(moduleUrl, taskNames(namespace)),
      (error: unknown) => {
        throw new TaskLoadError(moduleUrl, error);
      },
    );
    loaded.set(moduleUrl, taskSet);
  }
  return taskSet;
}
