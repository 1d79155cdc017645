/**
 * Where the process backend's children start from, checked when the pool is created: this small
 * module loads with the Pool, the backend itself only when a process pool is asked for (see
 * registry.ts), and a missing file is still an error of `new Pool()`. It sits next to
 * child.js so that its `import.meta.url` resolves the entry as the backend's own would, bundled
 * or not.
 */
import { locateWorkerEntry } from '../worker-entry-file.js';

/** See locateWorkerEntry: the entry, or undefined for our own child.js. */
export function locateChildEntry(workerEntry: URL | undefined): URL | undefined {
  return locateWorkerEntry(workerEntry, () => new URL('./child.js', import.meta.url), import.meta.url, 'process worker');
}
