/** Picks the backend that `new Pool({ backend })` asked for. */
import type { NormalizedPoolOptions } from '../options/pool-options.js';
import type { Backend } from './backend.js';
import { createProcessBackend } from './process/process-backend.js';
import { createThreadBackend } from './thread/thread-backend.js';

export function createBackend(options: NormalizedPoolOptions): Backend {
  return options.backend === 'process' ? createProcessBackend(options) : createThreadBackend(options);
}
