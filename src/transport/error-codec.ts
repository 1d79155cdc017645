/**
 * Errors cross threads and processes as plain data, then are rebuilt on the caller's side:
 * built-in classes come back as themselves (a TypeError is a TypeError), multicore's own errors
 * as their class, other classes as an Error carrying their name; message, own properties, the
 * cause chain and the worker's stack survive. The caller's stack is appended so that one stack
 * shows both where the task failed and where it was called.
 */
import { inspect } from 'node:util';
import * as errors from '../errors.js';
import { MulticoreError, TaskNonErrorThrowError } from '../errors.js';
import { describe } from '../errors/describe.js';
import { withoutOwnFrames } from './call-site.js';

export type SerializedError =
  | {
      kind: 'error';
      name: string;
      message: string;
      stack: string | undefined;
      /** Own enumerable properties that could be cloned (code, errno, custom fields...). */
      props: Record<string, unknown>;
      cause?: SerializedError;
      /** AggregateError's errors. */
      errors?: SerializedError[];
    }
  | { kind: 'value'; value: unknown; description: string };

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

const maxCauseDepth = 8;

/** Turns anything a task threw into cloneable data. Never throws. */
export function serializeError(thrown: unknown, depth = 0): SerializedError {
  if (!(thrown instanceof Error)) {
    return { kind: 'value', value: cloneableOrDescription(thrown), description: describeValue(thrown) };
  }
  const serialized: SerializedError = {
    kind: 'error',
    name: thrown.name,
    message: thrown.message,
    stack: typeof thrown.stack === 'string' ? withoutOwnFrames(thrown.stack) : undefined,
    props: ownProps(thrown),
  };
  if (depth < maxCauseDepth && 'cause' in thrown && thrown.cause !== undefined) {
    serialized.cause = serializeError(thrown.cause, depth + 1);
  }
  if (thrown instanceof AggregateError && Array.isArray(thrown.errors)) {
    serialized.errors = thrown.errors.map((inner: unknown) => serializeError(inner, depth + 1));
  }
  return serialized;
}

function ownProps(error: Error): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key === 'stack' || key === 'message' || key === 'cause' || key === 'errors') continue;
    const value = (error as unknown as Record<string, unknown>)[key];
    props[key] = cloneableOrDescription(value);
  }
  return props;
}

/** The value itself when structured clone accepts it, otherwise a readable description. */
function cloneableOrDescription(value: unknown): unknown {
  try {
    structuredClone(value);
    return value;
  } catch {
    // Not cloneable (a function, a socket...): keep what a person needs to recognise it.
    return `[not cloneable: ${describeValue(value)}]`;
  }
}

/** Only what structured clone refuses comes here (functions, symbols, sockets...), which describe() names by its type. */
function describeValue(value: unknown): string {
  return `${inspect(value, { depth: 2, breakLength: Infinity, maxStringLength: 200 })} (${describe(value)})`;
}

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
