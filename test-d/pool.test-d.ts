// Type tests of the public API: checked by `npm run typecheck` (tsc), never executed.
import { expectTypeOf } from 'expect-type';
import { Pool, task, transfer, type ModuleTask, type PoolStats, type Progress } from 'multicore';

declare const pool: Pool;

const hello = task(import.meta, function hello(name: string) {
  return `Hello, ${name}!`;
});
expectTypeOf(hello).toBeCallableWith('me');
expectTypeOf(hello('me')).toEqualTypeOf<string>();

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
