/**
 * Not public, not published: the internals that tests drive together with the public API, such
 * as a backend of their own in the registry that `new Pool()` then uses (test/pool/memory-backend.ts).
 * The bundle builds it as an entry point of its own (scripts/bundle.ts), so that it shares the
 * chunks, and thus the module instances, of `import 'multicore'`; the per-file modules in dist/
 * are other instances, whose registry a Pool from 'multicore' never reads.
 */
export type { BackendObserver, BroadcastOutcome, ChunkSpec } from './backends/backend.js';
export { BackendBase, PendingChunk, type ChunkControl, type WorkerCounts } from './backends/backend-base.js';
export { registerBackend } from './backends/registry.js';
export { resolveTask } from './tasks/resolve.js';
export { serializeError, type SerializedError } from './transport/error-codec.js';
export type { TaskRef } from './transport/messages.js';
