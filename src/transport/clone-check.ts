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

function narrowDown(value: unknown, path: string, error: unknown, depth: number): Uncloneable {
  if (depth < maxDepth && typeof value === 'object' && value !== null && isPlainContainer(value)) {
    for (const [key, inner] of Object.entries(value)) {
      try {
        structuredClone(inner);
      } catch (innerError) {
        const innerPath = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
        return narrowDown(inner, innerPath, innerError, depth + 1);
      }
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
  const constructorName = (value as { constructor?: { name?: string } }).constructor?.name;
  return constructorName ? `a ${constructorName}` : 'an object';
}
