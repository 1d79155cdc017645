// Type tests of the serving features (events, stats figures, priority, maxQueue): checked by `npm run typecheck`.
import { expectTypeOf } from 'expect-type';
import type { EventEmitter } from 'node:events';
import { MulticoreError, Pool, QueueFullError, type DurationSummary, type PoolEventMap, type PoolStats, type WorkerExitEvent, type WorkerStartEvent } from 'multicore';

declare const pool: Pool;

// The Pool is an EventEmitter whose listeners are typed by event name.
expectTypeOf(pool).toMatchTypeOf<EventEmitter<PoolEventMap>>();
pool.on('workerstart', (event) => expectTypeOf(event).toEqualTypeOf<WorkerStartEvent>());
pool.on('workerexit', (event) => {
  expectTypeOf(event).toEqualTypeOf<WorkerExitEvent>();
  expectTypeOf(event.exitCode).toEqualTypeOf<number | null>();
  expectTypeOf(event.signal).toEqualTypeOf<string | null>();
  expectTypeOf(event.crashed).toEqualTypeOf<boolean>();
});
pool.once('drain', (...args) => expectTypeOf(args).toEqualTypeOf<[]>());
pool.on('idle', () => {});
expectTypeOf<WorkerStartEvent>().toEqualTypeOf<{ id: number }>();
expectTypeOf<keyof PoolEventMap>().toEqualTypeOf<'workerstart' | 'workerexit' | 'drain' | 'idle'>();
// @ts-expect-error workerexit's listener gets the exit, not a number
pool.on('workerexit', (code: number) => code);

// Stats: counts, utilization, and the two summaries.
expectTypeOf(pool.stats).toEqualTypeOf<PoolStats>();
expectTypeOf(pool.stats.utilization).toEqualTypeOf<number>();
expectTypeOf(pool.stats.runTime).toEqualTypeOf<DurationSummary>();
expectTypeOf(pool.stats.waitTime).toEqualTypeOf<DurationSummary>();
expectTypeOf<DurationSummary>().toEqualTypeOf<{ count: number; mean: number; p50: number; p90: number; p99: number; max: number }>();
expectTypeOf(pool.stats.queued).toEqualTypeOf<number>();

// priority on every call, maxQueue on every pool.
void pool.apply(() => 1, [], { priority: 5 });
void pool.map((x: number) => x, [1], { priority: -1 });
void pool.imap((x: number) => x, [1], { priority: 1 });
void pool.forRange(4, () => 0, undefined, { priority: 2 });
// @ts-expect-error priority is a number
void pool.apply(() => 1, [], { priority: 'high' });
void new Pool({ maxQueue: 100 });
void new Pool({ backend: 'process', maxQueue: Infinity });
void new Pool({ backend: 'redis', maxQueue: 10 });
// @ts-expect-error maxQueue is a number
void new Pool({ maxQueue: '10' });

// ERR_QUEUE_FULL is a MulticoreError that says the bound.
expectTypeOf<QueueFullError>().toMatchTypeOf<MulticoreError>();
expectTypeOf<QueueFullError['maxQueue']>().toEqualTypeOf<number>();
