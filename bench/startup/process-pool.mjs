/**
 * Run by plain `node` in a fresh process, after `multicore` is imported: a process pool of two
 * workers from `new Pool()` to its first result, then `map` of no-op items with chunksize 1,
 * timed in wall time and in CPU time (this process and its children, from /proc), printed as
 * JSON. With "tsx", the children start under `--import tsx` as they do from a tsx program.
 * Usage: node process-pool.mjs [tsx]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Pool } from 'multicore';

const workers = 2;
const items = Array.from({ length: 2_000 }, (_, i) => i);
const mapRounds = 5;
const noop = { module: new URL('../backends/tasks.mjs', import.meta.url), name: 'noop' };
const clockTicksPerSecond = 100; // USER_HZ on Linux

/** CPU time of this process's children, in µs, from /proc (Linux). */
function childrenCpuUs() {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended while we listed: not a child any more
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === process.pid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1e6) / clockTicksPerSecond;
}

const execArgv = process.argv[2] === 'tsx' ? ['--import', 'tsx'] : [];
const created = performance.now();
const pool = new Pool({ workers, backend: 'process', execArgv });
await pool.apply(noop, [0]);
const firstResultMs = performance.now() - created;
await pool.map(noop, items, { chunksize: 1 });
const children = childrenCpuUs();
const own = process.cpuUsage();
const mapStarted = performance.now();
for (let round = 0; round < mapRounds; round++) await pool.map(noop, items, { chunksize: 1 });
const count = items.length * mapRounds;
const mapChunk1Us = ((performance.now() - mapStarted) * 1000) / count;
const ownCpu = process.cpuUsage(own);
const mapChunk1CpuUs = (ownCpu.user + ownCpu.system + childrenCpuUs() - children) / count;
process.stdout.write(`${JSON.stringify({ firstResultMs, mapChunk1Us, mapChunk1CpuUs })}\n`);
await pool.terminate();
