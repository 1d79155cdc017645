/**
 * `multicore/task`: the part of the public surface that task modules use, and nothing else. A
 * worker imports the task module, and `import { task } from 'multicore'` there would also load
 * the whole pool (about 170 KB of code to compile, some 10 ms per worker before its first
 * task); these come from the code every worker has loaded already. The same functions as the
 * package's own exports of these names.
 */
export { task, type TaskInput, type ModuleTask, type NamedTask, type TaskOptions } from './tasks/task.js';
export { isWorker } from './tasks/worker-flag.js';
export { emit, taskSignal } from './tasks/task-context.js';
export { transfer, type Transferable } from './transport/transfer.js';
