/** Errors of one task or item: its function, its values, its module, its time. */
import { ItemFailureError, MulticoreError } from './multicore-error.js';

/** An inline task function uses a variable from outside its own body. */
export class TaskCaptureError extends MulticoreError {
  readonly variables: string[];

  constructor(variables: string[], functionName: string) {
    const names = variables.map((name) => `'${name}'`).join(', ');
    const what = functionName === '' ? 'An inline task function' : `The inline task function '${functionName}'`;
    super(
      'ERR_TASK_CAPTURE',
      `${what} uses ${names} from outside its own body, but inline functions are sent to workers as source ` +
        'text and cannot see the variables around them. Pass the value as an argument, import it inside the ' +
        'function with `await import(...)`, or define the function in a module with `task(import.meta, fn)`.',
    );
    this.variables = variables;
  }
}

/** An argument or a result could not be copied between threads or processes. */
export class TaskSerializationError extends ItemFailureError {
  readonly index: number | undefined;

  constructor(message: string, index: number | undefined, options?: ErrorOptions) {
    super('ERR_TASK_SERIALIZATION', message, options);
    this.index = index;
  }
}

/** The task's module was imported but has no such function. */
export class TaskNotFoundError extends MulticoreError {
  constructor(name: string, moduleUrl: string, available: string[]) {
    const hint = available.length > 0 ? ` It exports: ${available.join(', ')}.` : ' It exports no functions.';
    super('ERR_TASK_NOT_FOUND', `No task function '${name}' in ${moduleUrl}.${hint} Export the function, or wrap it with task(import.meta, fn).`);
  }
}

/** The task's module could not be imported in the worker. */
export class TaskLoadError extends MulticoreError {
  readonly module: string;

  constructor(moduleUrl: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('ERR_TASK_LOAD', `The worker could not import the task module ${moduleUrl}: ${reason}`, { cause });
    this.module = moduleUrl;
  }
}

/** A task threw something that is not an Error (a string, an object...). */
export class TaskNonErrorThrowError extends MulticoreError {
  readonly value: unknown;

  constructor(value: unknown, description: string) {
    super('ERR_TASK_NON_ERROR', `The task threw a non-Error value: ${description}. Throw an Error object to keep a stack trace.`);
    this.value = value;
  }
}

/** A task ran longer than its `timeout` (or the pool's `taskTimeout`); its worker was replaced. */
export class TaskTimeoutError extends ItemFailureError {
  readonly timeout: number;
  /** Input position of the item that ran too long (within its call). */
  readonly index: number;

  /** `what`: how the message names the task, when it is not one item of a call (apply: "The task"). */
  constructor(timeout: number, index: number, what = `Item ${index}`) {
    super(
      'ERR_TASK_TIMEOUT',
      `${what} ran longer than its timeout of ${timeout} ms, so its worker was stopped and replaced; the other tasks go on. ` +
        'Raise `timeout` (per call) or `taskTimeout` (per pool) if the task needs more time.',
    );
    this.timeout = timeout;
    this.index = index;
  }
}
