// Type tests of the public API: checked by `npm run typecheck` (tsc), never executed.
import { expectTypeOf } from 'expect-type';
import { Pool, task, transfer, type ModuleTask, type PoolStats, type Progress } from 'multicore';
import * as taskSide from 'multicore/task';

declare const pool: Pool;

const hello = task(import.meta, function hello(name: string) {
  return `Hello, ${name}!`;
});
expectTypeOf(hello).toBeCallableWith('me');
expectTypeOf(hello('me')).toEqualTypeOf<string>();
// multicore/task (for task modules) has the same functions, with the same types.
expectTypeOf(taskSide.task).toEqualTypeOf(task);
expectTypeOf(taskSide.transfer).toEqualTypeOf(transfer);
expectTypeOf(pool.map(taskSide.task(import.meta, (x: number) => x > 0), [1])).toEqualTypeOf<Promise<boolean[]>>();

// Results flow from the task's return type; Promises are unwrapped.
expectTypeOf(pool.map(hello, ['a'])).toEqualTypeOf<Promise<string[]>>();
expectTypeOf(pool.map((x: number) => x * 2, [1, 2])).toEqualTypeOf<Promise<number[]>>();
expectTypeOf(pool.map(async (x: number) => String(x), new Set([1]))).toEqualTypeOf<Promise<string[]>>();
expectTypeOf(pool.starmap((a: number, b: string) => b.repeat(a), [[2, 'x']])).toEqualTypeOf<Promise<string[]>>();
expectTypeOf(pool.apply((a: number, b: number) => a + b, [1, 2])).toEqualTypeOf<Promise<number>>();
expectTypeOf(pool.apply(() => true)).toEqualTypeOf<Promise<boolean>>();
expectTypeOf(pool.imap(hello, ['a'])).toEqualTypeOf<AsyncGenerator<string, void, undefined>>();
expectTypeOf(pool.imapUnordered(async (x: number) => [x], (async function* () { yield 1; })())).toEqualTypeOf<AsyncGenerator<number[], void, undefined>>();

// Module references carry a signature when the caller gives one.
const typedRef: ModuleTask<(x: number) => bigint> = { module: new URL('./tasks.js', import.meta.url), name: 'big' };
expectTypeOf(pool.map(typedRef, [1])).toEqualTypeOf<Promise<bigint[]>>();
const untypedRef = { module: './tasks.js', name: 'anything' };
expectTypeOf(pool.map(untypedRef, [1])).toEqualTypeOf<Promise<unknown[]>>();

// Wrong inputs are type errors.
// @ts-expect-error items must match the task's parameter
void pool.map(hello, [1, 2]);
// @ts-expect-error apply's arguments must match the parameters
void pool.apply((a: number, b: number) => a + b, [1, 'x']);
// @ts-expect-error starmap items are argument tuples
void pool.starmap((a: number, b: number) => a + b, [[1, 'x']]);
// @ts-expect-error chunksize is a number
void pool.map(hello, ['a'], { chunksize: '3' });

expectTypeOf(pool.map).parameter(2).toMatchTypeOf<{ chunksize?: number; signal?: AbortSignal; onProgress?: (progress: Progress) => void } | undefined>();
expectTypeOf(pool.stats).toEqualTypeOf<PoolStats>();
expectTypeOf(transfer(new Uint8Array(4))).toEqualTypeOf<Uint8Array<ArrayBuffer>>();
expectTypeOf<Pool>().toMatchTypeOf<AsyncDisposable>();

// mapSettled / starmapSettled: every item's outcome, typed like Promise.allSettled.
expectTypeOf(pool.mapSettled(hello, ['a'])).toEqualTypeOf<Promise<PromiseSettledResult<string>[]>>();
expectTypeOf(pool.mapSettled(async (x: number) => x > 1, [1])).toEqualTypeOf<Promise<PromiseSettledResult<boolean>[]>>();
expectTypeOf(pool.starmapSettled((a: number, b: string) => b.repeat(a), [[2, 'x']])).toEqualTypeOf<Promise<PromiseSettledResult<string>[]>>();
declare const settled: PromiseSettledResult<string>;
if (settled.status === 'fulfilled') expectTypeOf(settled.value).toEqualTypeOf<string>();
// @ts-expect-error items must match the task's parameter
void pool.mapSettled(hello, [1]);

// Fault-handling options.
expectTypeOf(pool.apply).parameter(2).toMatchTypeOf<{ signal?: AbortSignal; timeout?: number } | undefined>();
void new Pool({ backend: 'process', env: { A: '1' }, cwd: '/', execArgv: [], taskTimeout: 100, maxTasksPerWorker: 5 });
void new Pool({ initializer: hello, initArgs: ['x'] });
// @ts-expect-error the backend is one of 'thread', 'process' and 'redis'
void new Pool({ backend: 'gpu' });

// Redis pools: a URL or ioredis options, a queue name, retries, the time Redis may be away.
void new Pool({ backend: 'redis', redis: 'rediss://user:pass@host:6380/0', queue: 'images', attempts: 3, backoff: 500, redisTimeout: 5_000, taskTimeout: 1_000 });
void new Pool({ backend: 'redis', redis: { host: '10.0.0.5', port: 6379, password: 'x', tls: {} } });
// @ts-expect-error attempts is a number
void new Pool({ backend: 'redis', attempts: 'three' });
// Signed work and the size limit on jobs and results: a secret as text or bytes, bytes as a number.
void new Pool({ backend: 'redis', secret: 'at least sixteen bytes long', maxJobBytes: 1 << 20 });
void new Pool({ backend: 'redis', secret: new Uint8Array(32) });
// @ts-expect-error a secret is a string or bytes
void new Pool({ backend: 'redis', secret: 42 });
// @ts-expect-error maxJobBytes is a number of bytes
void new Pool({ backend: 'redis', maxJobBytes: '1mb' });
// @ts-expect-error secret is a Redis option
void new Pool({ backend: 'thread', secret: 'at least sixteen bytes long' });
// @ts-expect-error taskTimeout is a number of milliseconds
void new Pool({ taskTimeout: '1s' });
