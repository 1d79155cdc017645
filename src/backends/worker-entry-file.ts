/**
 * Where a local worker's entry file is. Normally it is multicore's own (backends/thread/worker.js
 * or backends/process/child.js, next to the backend). A bundled app has no such file: then a
 * bundled `multicore-worker.mjs` (or `.js`) next to the bundle, or the `workerEntry` option, says
 * where the bundler put multicore's worker entry. A missing file is a clear error up front, not
 * a storm of workers dying at start.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WorkerEntryError } from '../errors.js';

const bundledNames = ['./multicore-worker.mjs', './multicore-worker.js'];

/**
 * The entry to start workers from, or `undefined` for the built-in one (which the backend then
 * names literally, so that bundlers that follow `new Worker(new URL(..., import.meta.url))` see it).
 *
 * @param given the `workerEntry` option
 * @param builtIn the backend's own entry, resolved against its module (undefined where
 *   `import.meta.url` is gone, as in a CommonJS bundle)
 * @param here the URL of the module asking (in a bundle: the bundle itself)
 */
export function locateWorkerEntry(given: URL | undefined, builtIn: () => URL, here: string | undefined, origin: string): URL | undefined {
  if (given !== undefined) {
    if (!isMissing(given)) return given;
    throw new WorkerEntryError(fileURLToPath(given), origin, 'option');
  }
  const ownEntry = here === undefined ? undefined : builtIn();
  if (ownEntry !== undefined && !isMissing(ownEntry)) return undefined;
  if (here !== undefined) {
    for (const name of bundledNames) {
      const candidate = new URL(name, here);
      if (!isMissing(candidate)) return candidate;
    }
  }
  throw new WorkerEntryError(ownEntry === undefined ? '(unknown: import.meta.url is not available in this bundle)' : fileURLToPath(ownEntry), origin, 'bundled');
}

/** Only "no such file" counts: a runtime that may not look (Deno without --allow-read) says so itself when the worker starts. */
function isMissing(file: URL): boolean {
  try {
    statSync(file);
    return false;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return code === 'ENOENT' || code === 'ENOTDIR';
  }
}
