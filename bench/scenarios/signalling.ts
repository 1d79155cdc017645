/**
 * Issue 19's question about round-trip latency: can a SharedArrayBuffer + Atomics signalling
 * path beat postMessage for one call at a time, and what does it cost an idle pool? Each way runs
 * in a fresh process (bench/signalling/round-trip.mjs), in rotated order, several rounds.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Scenario } from '../main.js';
import { rotated } from '../pool/rounds.js';
import { markdownTable, median } from '../table.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../signalling/round-trip.mjs', import.meta.url));
const rounds = 5;
const calls = 20_000;

const ways: { name: string; args: string[] }[] = [
  { name: 'postMessage both ways', args: ['post', '0'] },
  { name: 'Atomics, futex wait 50 µs', args: ['futex', '50'] },
  { name: 'Atomics, futex wait 1 ms', args: ['futex', '1000'] },
  { name: 'Atomics, spin 50 µs', args: ['spin', '50'] },
  { name: 'Atomics, spin 200 µs', args: ['spin', '200'] },
];

interface Figures {
  roundTripUs: number;
  cpuUs: number;
}

export const scenario: Scenario = {
  name: 'signalling',
  title: 'One call at a time: postMessage against Atomics signalling',
  async run() {
    const figures = new Map(ways.map((way) => [way.name, [] as Figures[]]));
    for (let round = 0; round < rounds; round++) {
      for (const way of rotated(ways, round)) {
        const { stdout } = await run(process.execPath, [script, ...way.args, String(calls)], { timeout: 120_000 });
        figures.get(way.name)!.push(JSON.parse(stdout) as Figures);
      }
      console.log(`round ${round + 1}/${rounds} done`);
    }
    const rows = ways.map((way) => {
      const all = figures.get(way.name)!;
      return { name: way.name, roundTripUs: median(all.map((f) => f.roundTripUs)), cpuUs: median(all.map((f) => f.cpuUs)) };
    });
    const post = rows[0]!;
    const fastest = rows.reduce((best, row) => (row.roundTripUs < best.roundTripUs ? row : best));
    for (const row of rows) console.log(`${row.name}: ${row.roundTripUs.toFixed(1)} µs, ${row.cpuUs.toFixed(1)} µs CPU`);
    const table = markdownTable(
      ['way', 'round trip (µs, median)', 'vs postMessage', 'CPU per call, both threads (µs)'],
      rows.map((row) => [row.name, row.roundTripUs.toFixed(1), `${(row.roundTripUs / post.roundTripUs).toFixed(2)}×`, row.cpuUs.toFixed(1)]),
    );
    return (
      `One worker thread answers one number at a time, ${calls.toLocaleString('en')} calls after a warm-up, ` +
      `median of ${rounds} fresh processes per way. "Atomics": the caller sets a flag in a SharedArrayBuffer and ` +
      `awaits the answer with \`Atomics.waitAsync\`; after each answer the worker watches the flag for a window, ` +
      `by a futex wait (\`Atomics.wait\` with a timeout, no CPU while it waits) or by spinning, then returns to ` +
      `its event loop, where the next request wakes it with a post. An idle worker spends at most one window ` +
      `after its last answer, and a futex wait spends no CPU in it.\n\n${table}\n\n` +
      `Fastest in this run: ${fastest.name}, ${fastest.roundTripUs.toFixed(1)} µs ` +
      `(${(fastest.roundTripUs / post.roundTripUs).toFixed(2)}× postMessage). When the worker answers while the caller ` +
      `is still running (a spinning worker, on a core of its own), \`Atomics.waitAsync\` finds the answer written and ` +
      `returns without waiting, so neither side passes through its event loop; a futex wait saves only the worker's ` +
      `wake-up. A spinning worker needs a core to spare: in an earlier run on this machine under load (about 10, other ` +
      `jobs running) spinning 200 µs took 52 µs against postMessage's 31 µs.\n`
    );
  },
};
