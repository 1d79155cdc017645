/** The types that carry a task's signature from its definition to the results. */
import type { ModuleTask } from '../tasks/task.js';

/** Any of the three ways to name a task: a function (inline or from task()), or a module reference. */
export type TaskInput<F extends (...args: any[]) => unknown> = F | ModuleTask<F>;

export type { Input } from '../scheduling/input.js';
