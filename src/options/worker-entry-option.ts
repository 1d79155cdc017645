/** `workerEntry`: a path or file URL of a bundled multicore worker entry. */
import { pathToFileURL } from 'node:url';
import { describe } from '../errors/describe.js';

export function validateWorkerEntry(value: unknown): URL | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value !== '') return value.startsWith('file:') ? new URL(value) : pathToFileURL(value);
  if (value instanceof URL && value.protocol === 'file:') return value;
  const got = value instanceof URL ? `a ${value.protocol} URL` : describe(value);
  throw new TypeError(`workerEntry must be the path or file: URL of the bundled worker entry (for example new URL('./multicore-worker.mjs', import.meta.url)), got ${got}`);
}
