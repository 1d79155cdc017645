/**
 * Errors cross threads and processes as plain data, then are rebuilt on the caller's side
 * (error-rebuild.ts): built-in classes come back as themselves (a TypeError is a TypeError),
 * multicore's own errors as their class, other classes as an Error carrying their name; message,
 * own properties, the cause chain and the worker's stack survive. This half runs in workers: it
 * loads none of the error classes, which a worker would otherwise compile at every start.
 */
import { inspect } from 'node:util';
import { describe } from '../errors/describe.js';
import { withoutOwnFrames } from './own-frames.js';

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
