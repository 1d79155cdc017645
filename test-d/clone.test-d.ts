// Type tests: results and arguments are typed as what structured clone delivers, and options
// as what each backend accepts. Checked by `npm run typecheck`, never executed.
import { expectTypeOf } from 'expect-type';
import {
  isWorker,
  MissingDependencyError,
  Pool,
  scaling,
  sysinfo,
  task,
  timeit,
  transfer,
  type Cloneable,
  type Cloned,
  type MapOptions,
  type PoolOptions,
  type ProcessPoolOptions,
  type RedisConnectionOptions,
  type Transferable,
} from 'multicore';

declare const pool: Pool;

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}
const movePoint = task(import.meta, function movePoint(p: Point) {
  return { moved: new Point(p.x + 1, p.y), at: new Date(), tags: new Set(['a']), bytes: new Uint8Array(2) };
});

// A class instance arrives as its fields: the method is gone, and so is its type.
const moved = (await pool.apply(movePoint, [new Point(1, 2)])).moved;
expectTypeOf(moved).toEqualTypeOf<{ readonly x: number; readonly y: number }>();
// @ts-expect-error norm() does not survive structured clone
moved.norm();
// Dates, Sets and typed arrays are rebuilt as themselves.
const result = await pool.apply(movePoint, [new Point(1, 2)]);
expectTypeOf(result.at).toEqualTypeOf<Date>();
expectTypeOf(result.tags).toEqualTypeOf<Set<string>>();
expectTypeOf(result.bytes).toEqualTypeOf<Uint8Array<ArrayBuffer>>();
expectTypeOf<Cloned<Buffer>>().toEqualTypeOf<Uint8Array>();
expectTypeOf<Cloned<Map<string, Point>>>().toEqualTypeOf<Map<string, { readonly x: number; readonly y: number }>>();
expectTypeOf<Cloned<[Point, string]>>().toEqualTypeOf<[{ readonly x: number; readonly y: number }, string]>();
expectTypeOf<Cloned<{ run: () => void; id: number; key: symbol }>>().toEqualTypeOf<{ id: number }>();
expectTypeOf<Cloned<() => void>>().toBeNever();
expectTypeOf<Cloned<unknown>>().toBeUnknown();

// Functions and symbols cannot cross: refused where the types show them.
// @ts-expect-error a function as an argument
void pool.apply((callback: () => number) => callback(), [() => 1]);
// @ts-expect-error a function as an item
void pool.map((callback: () => number) => callback(), [() => 1]);
// @ts-expect-error a symbol as an item
void pool.imap((key: symbol) => String(key), [Symbol('k')]);
// @ts-expect-error a function in a starmap argument list
void pool.starmap((a: number, f: () => number) => a + f(), [[1, () => 2]]);
expectTypeOf(pool.apply(() => () => 1)).toEqualTypeOf<Promise<never>>();
// Data, including class instances and nested data, passes; generic code says T extends Cloneable.
void pool.map((p: Point) => p.x, [new Point(1, 2)]);
void pool.map((row: { id: number; values: number[] }) => row.id, [{ id: 1, values: [1] }]);
async function mapAll<T extends Cloneable, R>(fn: (item: T) => R, items: T[]): Promise<Cloned<Awaited<R>>[]> {
  return pool.map(fn, items);
}
expectTypeOf(mapAll((x: number) => x + 1, [1])).toEqualTypeOf<Promise<number[]>>();

// initArgs are typed from the initializer's parameters.
const setup = task(import.meta, function setup(greeting: string, times: number) {
  void greeting;
  void times;
});
void new Pool({ initializer: setup, initArgs: ['hi', 2] });
// @ts-expect-error initArgs must match the initializer's parameters
void new Pool({ initializer: setup, initArgs: ['hi', 'twice'] });
// @ts-expect-error the initializer takes no arguments
void new Pool({ initializer: () => {}, initArgs: [1] });

// env, cwd and execArgv go with backend: 'process' only; Redis pools take no local-worker options.
void new Pool({ backend: 'process', env: { A: '1' }, cwd: '/', execArgv: [] });
// @ts-expect-error env needs backend: 'process'
void new Pool({ env: { A: '1' } });
// @ts-expect-error execArgv needs backend: 'process'
void new Pool({ backend: 'thread', execArgv: ['--import', 'tsx'] });
// @ts-expect-error cwd needs backend: 'process'
void new Pool({ backend: 'redis', cwd: '/' });
// @ts-expect-error Redis pools have no initializer: each `multicore worker` sets itself up
void new Pool({ backend: 'redis', initializer: () => {} });
// @ts-expect-error redis options need backend: 'redis'
void new Pool({ queue: 'jobs' });
const processOptions: PoolOptions = { backend: 'process', execArgv: [] };
expectTypeOf(processOptions).toMatchTypeOf<PoolOptions>();
expectTypeOf<ProcessPoolOptions['execArgv']>().toEqualTypeOf<string[] | undefined>();

// No public type decays to any, with or without the optional Redis drivers installed.
expectTypeOf<Transferable>().not.toBeAny();
expectTypeOf<RedisConnectionOptions>().not.toBeAny();
expectTypeOf<RedisConnectionOptions['tls']>().not.toBeAny();
expectTypeOf(transfer(new ArrayBuffer(1), [])).not.toBeAny();
expectTypeOf(result).not.toBeAny();
expectTypeOf(pool.map((x: number) => x, [1])).not.toBeAny();
expectTypeOf<Awaited<ReturnType<typeof pool.mapSettled<number, string>>>[number]>().not.toBeAny();
expectTypeOf<NonNullable<PoolOptions['workers']>>().not.toBeAny();
expectTypeOf<NonNullable<PoolOptions['resourceLimits']>>().not.toBeAny();
expectTypeOf<Parameters<typeof transfer>[1]>().not.toBeAny();
expectTypeOf<NonNullable<Parameters<typeof transfer>[1]>[number]>().toEqualTypeOf<Transferable>();
expectTypeOf<ReturnType<typeof sysinfo>['cores']['usable']>().toEqualTypeOf<number>();
expectTypeOf(timeit).returns.not.toBeAny();
expectTypeOf(scaling).returns.resolves.not.toBeAny();
expectTypeOf<MissingDependencyError['packages']>().toEqualTypeOf<string[]>();
expectTypeOf(isWorker).returns.toEqualTypeOf<boolean>();
expectTypeOf<NonNullable<MapOptions['highWaterMark']>>().toEqualTypeOf<number>();
