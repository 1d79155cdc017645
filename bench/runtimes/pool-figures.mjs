/**
 * Run by `node`, `bun` or `deno run -A` in a fresh process: the pool scenario's figures for
 * multicore on that runtime, two thread workers. Prints one JSON line:
 * { runtime, firstResultMs, applyRate, sequentialUs, mapRate }.
 * Usage: <runtime> pool-figures.mjs [applyCalls] [mapItems]
 */
const importStarted = performance.now();
const { Pool, sysinfo } = await import('multicore');

const workers = 2;
const applyCalls = Number(process.argv[2] ?? 100_000);
const mapItems = Number(process.argv[3] ?? 1_000_000);
const sequentialCalls = 5_000;
const tasksModule = new URL('../pool/tasks.mjs', import.meta.url);
const noop = { module: tasksModule, name: 'noop' };
const increment = { module: tasksModule, name: 'increment' };
const range = (length) => Array.from({ length }, (_, i) => i);

async function timed(run) {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

const pool = new Pool(workers);
await pool.apply(noop, [0]);
const firstResultMs = performance.now() - importStarted;

// Warm-up: both workers started, the task module loaded, hot paths optimised on both sides.
await Promise.all(range(2_000).map(() => pool.apply(noop, [0])));
for (let i = 0; i < 200; i++) await pool.apply(noop, [0]);
await pool.map(increment, range(2_000));

const apply = await timed(() => Promise.all(range(applyCalls).map(() => pool.apply(noop, [0]))));
const sequential = await timed(async () => {
  for (let i = 0; i < sequentialCalls; i++) await pool.apply(noop, [0]);
});
const map = await timed(() => pool.map(increment, range(mapItems)));
if (map.value[mapItems - 1] !== mapItems) throw new Error(`map's last result: expected ${mapItems}, got ${map.value[mapItems - 1]}`);
pool.close();
await pool.join();

console.log(
  JSON.stringify({
    runtime: sysinfo().runtime,
    firstResultMs,
    applyRate: (applyCalls * 1000) / apply.ms,
    sequentialUs: (sequential.ms * 1000) / sequentialCalls,
    mapRate: (mapItems * 1000) / map.ms,
  }),
);
