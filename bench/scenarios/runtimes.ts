/**
 * The pool scenario's figures for multicore under Node, Bun and Deno, side by side in one run:
 * apply round trip, apply in flight, map of 1,000,000 tiny items, and the first result of a fresh
 * pool. Each measurement is a fresh process of bench/runtimes/pool-figures.mjs on that runtime.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Scenario } from '../main.js';
import { rotated } from '../pool/rounds.js';
import { markdownTable, median } from '../table.js';
import { runtimeBinary } from '../../test/runtimes/runtimes.js';

const script = fileURLToPath(new URL('../runtimes/pool-figures.mjs', import.meta.url));
const run = promisify(execFile);
const rounds = 3;
const applyCalls = 100_000;
const mapItems = 1_000_000;

interface Figures {
  runtime: { name: string; version: string };
  firstResultMs: number;
  applyRate: number;
  sequentialUs: number;
  mapRate: number;
}

const runtimes = {
  node: () => [process.execPath, [script]],
  bun: () => [runtimeBinary('bun'), [script]],
  deno: () => [runtimeBinary('deno'), ['run', '-A', script]],
} as const satisfies Record<string, () => [string, string[]]>;

async function measure(name: keyof typeof runtimes): Promise<Figures> {
  const [binary, args] = runtimes[name]();
  const { stdout } = await run(binary, [...args, String(applyCalls), String(mapItems)], { timeout: 120_000, killSignal: 'SIGKILL', env: { ...process.env, NO_COLOR: '1' } });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Figures;
}

const whole = (value: number) => Math.round(value).toLocaleString('en-US');

async function runScenario(): Promise<string> {
  const names = Object.keys(runtimes) as (keyof typeof runtimes)[];
  const results = new Map<string, Figures[]>(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of rotated(names, round)) {
      const figures = await measure(name);
      results.get(name)!.push(figures);
      console.log(
        `round ${round + 1} ${name}: first result ${whole(figures.firstResultMs)} ms, apply ${whole(figures.applyRate)}/s, ` +
          `sequential ${figures.sequentialUs.toFixed(1)} µs, map ${whole(figures.mapRate)} items/s`,
      );
    }
  }
  const rows = names.map((name) => {
    const runs = results.get(name)!;
    const medianOf = (pick: (figures: Figures) => number) => median(runs.map(pick));
    return [
      `${name} ${runs[0]!.runtime.version}`,
      medianOf((f) => f.sequentialUs).toFixed(1),
      whole(medianOf((f) => f.applyRate)),
      whole(medianOf((f) => f.mapRate)),
      whole(medianOf((f) => f.firstResultMs)),
    ];
  });
  const table = markdownTable(['runtime', 'apply round trip (µs/call)', `apply in flight (calls/s, ${whole(applyCalls)} at once)`, `map x => x + 1 (items/s, ${whole(mapItems)} items)`, 'first result (ms from import)'], rows);
  return `multicore with 2 thread workers on each runtime, the task module of the pool scenario. Medians of ${rounds} fresh
processes per runtime (order rotated per round). **apply round trip**: 5,000 calls, each awaited before the next.
**apply in flight**: ${whole(applyCalls)} no-op calls submitted at once. **first result**: from just before
\`import('multicore')\` to the result of one no-op call on a new pool. On Bun, \`apply\` records its caller's stack
up front (Bun keeps no async stack traces), which its figures include.

${table}
`;
}

export const scenario: Scenario = { name: 'runtimes', title: 'multicore under Node, Bun and Deno', run: runScenario };
