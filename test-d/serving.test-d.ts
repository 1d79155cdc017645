// Type tests of the serving features (events, stats figures, priority, maxQueue): checked by `npm run typecheck`.
import { expectTypeOf } from 'expect-type';
import type { EventEmitter } from 'node:events';
import { emit, MulticoreError, NotInTaskError, Pool, QueueFullError, taskSignal, type DurationSummary, type EmitInfo, type PoolEventMap, type PoolStats, type WorkerExitEvent, type WorkerStartEvent } from 'multicore';

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

// emit() inside a task; onEmit on every call that runs a task, told which item emitted.
expectTypeOf(emit).toEqualTypeOf<(data: unknown) => void>();
void pool.map((x: number) => x, [1], { onEmit: (data, info) => expectTypeOf(info).toEqualTypeOf<EmitInfo>() });
void pool.apply(() => 1, [], { onEmit: (data: unknown, { index }: { index: number }) => [data, index] });
void pool.imapUnordered((x: number) => x, [1], { onEmit: () => {} });
expectTypeOf<EmitInfo>().toEqualTypeOf<{ index: number }>();
// @ts-expect-error onEmit is a function
void pool.apply(() => 1, [], { onEmit: 'log' });
expectTypeOf<NotInTaskError>().toMatchTypeOf<MulticoreError>();

// Elastic pools on local backends; never on Redis.
void new Pool({ minWorkers: 0, maxWorkers: 4, idleTimeout: 5_000 });
void new Pool({ backend: 'process', maxWorkers: 2 });
// @ts-expect-error a Redis pool's workers are `multicore worker` processes
void new Pool({ backend: 'redis', maxWorkers: 2 });
// @ts-expect-error idleTimeout is a number of milliseconds
void new Pool({ maxWorkers: 2, idleTimeout: '5s' });

// taskSignal() inside a task; abortGrace on local pools.
expectTypeOf(taskSignal).toEqualTypeOf<() => AbortSignal>();
void new Pool({ abortGrace: 0 });
void new Pool({ backend: 'process', abortGrace: 500 });
// @ts-expect-error a Redis pool's workers take their own limits
void new Pool({ backend: 'redis', abortGrace: 100 });

// concurrentTasksPerWorker on local pools; a Redis pool's workers set theirs (--tasks-per-thread).
void new Pool({ workers: 2, concurrentTasksPerWorker: 5 });
void new Pool({ backend: 'process', maxWorkers: 4, concurrentTasksPerWorker: 8 });
// @ts-expect-error a number of tasks
void new Pool({ concurrentTasksPerWorker: '5' });
// @ts-expect-error a Redis pool's workers are `multicore worker` processes
void new Pool({ backend: 'redis', concurrentTasksPerWorker: 5 });

// spin (docs/pool.md "Latency"): thread pools only, a number of milliseconds.
void new Pool({ spin: 0.1 });
void new Pool({ backend: 'thread', workers: 2, spin: 0 });
// @ts-expect-error child processes cannot poll the caller's memory
void new Pool({ backend: 'process', spin: 0.1 });
// @ts-expect-error nor can Redis workers
void new Pool({ backend: 'redis', redis: 'redis://127.0.0.1:6379', spin: 0.1 });
// @ts-expect-error spin is a number
void new Pool({ spin: true });
