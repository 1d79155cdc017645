/**
 * When a message cannot be cloned, find which value is to blame and say what it is, so that
 * "could not be cloned" becomes "item 3, at .callback: a function".
 */
export interface Uncloneable {
  /** Where the value sits, e.g. "item.options.callback". */
  path: string;
  /** What it is, e.g. "a function", "a Socket". */
  type: string;
  error: unknown;
}

const maxDepth = 6;

/** The first value inside `value` that structured clone rejects, or undefined if it clones. */
export function findUncloneable(value: unknown, path: string): Uncloneable | undefined {
  try {
    structuredClone(value);
    return undefined;
  } catch (error) {
    return narrowDown(value, path, error, 0);
  }
}

/** What is wrong with the culprit, to follow "<path> is ": a getter that throws is not a type. */
export function describeUncloneable(culprit: Uncloneable): string {
  if (isCloneError(culprit.error)) return `${culprit.type}, which structured clone cannot copy`;
  const error = culprit.error;
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `${culprit.type} that threw while it was copied (${what})`;
}

function isCloneError(error: unknown): boolean {
  return error instanceof Error && error.name === 'DataCloneError';
}

function narrowDown(value: unknown, path: string, error: unknown, depth: number): Uncloneable {
  let keys: string[] = [];
  try {
    if (depth < maxDepth && typeof value === 'object' && value !== null && isPlainContainer(value)) keys = Object.keys(value);
  } catch {
    // A proxy that refuses to be looked into: the value itself is the culprit.
  }
  for (const key of keys) {
    const innerPath = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
    let inner: unknown;
    try {
      inner = (value as Record<string, unknown>)[key];
    } catch (getterError) {
      return { path: innerPath, type: 'a getter', error: getterError };
    }
    try {
      structuredClone(inner);
    } catch (innerError) {
      return narrowDown(inner, innerPath, innerError, depth + 1);
    }
  }
  return { path, type: describeType(value), error };
}

function isPlainContainer(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return Array.isArray(value) || prototype === Object.prototype || prototype === null;
}

function describeType(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value !== 'object' || value === null) return typeof value;
  let constructorName: unknown;
  try {
    constructorName = (value as { constructor?: { name?: string } }).constructor?.name;
  } catch {
    // A throwing getter: no name to give.
  }
  return typeof constructorName === 'string' && constructorName !== '' ? `a ${constructorName}` : 'an object';
}
