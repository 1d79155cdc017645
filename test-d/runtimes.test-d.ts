// Type tests of the runtime and bundler options and errors: checked by `npm run typecheck`, never executed.
import { expectTypeOf } from 'expect-type';
import { MulticoreError, Pool, RuntimeUnsupportedError, WorkerEntryError } from 'multicore';

// workerEntry: a path or file URL, on both local backends; not on a Redis pool.
new Pool({ workerEntry: new URL('./multicore-worker.mjs', import.meta.url) });
new Pool({ backend: 'process', workerEntry: '/app/multicore-worker.mjs' });
// @ts-expect-error a Redis pool's workers are `multicore worker` processes
new Pool({ backend: 'redis', redis: 'redis://127.0.0.1', workerEntry: '/app/multicore-worker.mjs' });
// @ts-expect-error a path or a URL
new Pool({ workerEntry: 42 });

expectTypeOf<RuntimeUnsupportedError>().toMatchTypeOf<MulticoreError>();
expectTypeOf<RuntimeUnsupportedError['option']>().toEqualTypeOf<string>();
expectTypeOf<RuntimeUnsupportedError['runtime']>().toEqualTypeOf<string>();
expectTypeOf<WorkerEntryError>().toMatchTypeOf<MulticoreError>();
expectTypeOf<WorkerEntryError['path']>().toEqualTypeOf<string>();
