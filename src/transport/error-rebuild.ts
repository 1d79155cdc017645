/**
 * The caller's side of transport/error-codec.ts: rebuilds an error a worker sent as data, with the
 * caller's stack appended so that one stack shows both where the task failed and where it was
 * called.
 */
import * as errors from '../errors.js';
import { MulticoreError, TaskNonErrorThrowError } from '../errors.js';
import type { SerializedError } from './error-codec.js';

const builtinErrors: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

const multicoreErrors = new Map<string, Function>(
  Object.values(errors)
    .filter((value): value is typeof MulticoreError => typeof value === 'function' && value.prototype instanceof MulticoreError)
    .map((errorClass) => [errorClass.name, errorClass]),
);

/** Where the rebuilt error was awaited: the frames of the call into the pool. */
export interface CallSite {
  /** Stack frames ("    at ..." lines) of the caller, captured when the call was made. */
  frames: string;
  /** Names the worker in the joining line, e.g. "thread worker". */
  origin: string;
}

/** Rebuilds an error on the caller's side. */
export function deserializeError(serialized: SerializedError, callSite?: CallSite): Error {
  if (serialized.kind === 'value') {
    const error = new TaskNonErrorThrowError(serialized.value, serialized.description);
    if (callSite !== undefined) error.stack = `${firstLine(error.stack)}\n${callSite.frames}`;
    return error;
  }
  const error = instantiate(serialized);
  for (const [key, value] of Object.entries(serialized.props)) {
    Object.defineProperty(error, key, { value, enumerable: true, writable: true, configurable: true });
  }
  if (serialized.cause !== undefined) {
    Object.defineProperty(error, 'cause', { value: deserializeError(serialized.cause), enumerable: false, writable: true, configurable: true });
  }
  if (serialized.errors !== undefined) {
    Object.defineProperty(error, 'errors', { value: serialized.errors.map((inner) => deserializeError(inner)), enumerable: false, writable: true, configurable: true });
  }
  const workerStack = serialized.stack ?? `${serialized.name}: ${serialized.message}`;
  Object.defineProperty(error, 'stack', {
    value: callSite === undefined ? workerStack : `${workerStack}\n    at <${callSite.origin}>\n${callSite.frames}`,
    enumerable: false,
    writable: true,
    configurable: true,
  });
  return error;
}

function instantiate(serialized: Extract<SerializedError, { kind: 'error' }>): Error {
  // Reflect.construct makes a genuine Error object with the subclass's prototype, without
  // running subclass constructors whose parameters we do not have.
  const multicoreClass = multicoreErrors.get(serialized.name);
  if (multicoreClass !== undefined) return Reflect.construct(Error, [serialized.message], multicoreClass) as Error;
  if (serialized.name === 'AggregateError') return new AggregateError([], serialized.message);
  const builtin = Object.hasOwn(builtinErrors, serialized.name) ? builtinErrors[serialized.name] : undefined;
  if (builtin !== undefined) return new builtin(serialized.message);
  const error = new Error(serialized.message);
  Object.defineProperty(error, 'name', { value: serialized.name, enumerable: false, writable: true, configurable: true });
  return error;
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n', 1)[0] ?? '';
}
