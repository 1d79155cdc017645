/**
 * Pool against its peers (piscina, poolifier, tinypool, workerpool) and a raw postMessage
 * baseline, two workers each, side by side in one run: apply round trips, map of tiny items,
 * speedup on 1 ms CPU-bound tasks, and the time to the first result of a fresh pool.
 */
import type { Scenario } from '../main.js';
import { markdownTable, median } from '../table.js';
import type { Contender } from '../pool/contender.js';
import { firstResultContenders, measureFirstResult, type FirstResult } from '../pool/first-result.js';
import { ours, oursSpinning } from '../pool/ours.js';
import { peers } from '../pool/peers.js';
import { openRawChannel } from '../pool/raw.js';
import { rotated } from '../pool/rounds.js';
import { calibrateSpin, runSerially } from '../pool/spin.js';
import { countForBudget, perSecond, timed } from '../pool/timing.js';

const workers = 2;
const rounds = 3;
/** Concurrent no-op applies per measurement; slow pools get fewer so one measurement takes ~budgetMs. */
const applyCalls = { min: 10_000, max: 100_000, step: 10_000 };
const budgetMs = 2_000;
const sequentialCalls = 5_000;
const ourMapItems = 1_000_000;
const cpuTasks = 2_000;
const cpuTaskMs = 1;
const firstResultRuns = 7;
const idleWindowMs = 200;

// Issues 14 and 19: apply in flight ≥ 3× poolifier and ≥ half of raw pipelined postMessage, one apply
// at a time no slower than raw ping-pong, map ≥ 5M tiny items/s, 2000 × 1 ms speedup ≥ 1.9.
const targets = { applyVsPoolifier: 3, applyVsRaw: 0.5, mapRate: 5_000_000, mapVsBestPeer: 10, speedup: 1.9, firstResultMs: 60 };

interface RoundFigures {
  applyCalls: number;
  applyMs: number;
  sequentialMs: number;
  /** CPU of the whole process (all threads) over the sequential calls. */
  sequentialCpuMs: number;
  /** CPU of the whole process over idleWindowMs, idle, after the calls. */
  idleCpuMs: number;
  mapItems?: number;
  mapMs?: number;
  cpuMs?: number;
}

interface Figures {
  applyCalls: number;
  applyRate: number;
  sequentialUs: number;
  sequentialCpuUs: number;
  idleCpuMs: number;
  mapItems: number | undefined;
  mapRate: number | undefined;
  speedup: number | undefined;
  firstResult: FirstResult | undefined;
}

const range = (length: number, from = 0) => Array.from({ length }, (_, i) => from + i);

function expectEqual(actual: unknown, expected: unknown, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}

/** CPU milliseconds this process (every thread: the caller's and the workers') used since `start`. */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** CPU milliseconds the process uses over idleWindowMs with the pool open and nothing to do, after the calls' last poll. */
async function idleCpuMs(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  const start = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, idleWindowMs));
  return cpuMsSince(start);
}

/** One round of one pool: open, warm up, measure every figure, close. */
async function poolRound(contender: Contender, spin: { iterations: number; result: number }, callsFor: Map<string, number>): Promise<RoundFigures> {
  const pool = await contender.open(workers);
  try {
    // Warm-up: workers started, task modules loaded, hot paths optimised on both sides.
    await Promise.all(range(2_000).map(() => pool.call('noop', 0)));
    for (let i = 0; i < 200; i++) await pool.call('noop', 0);
    await pool.map('spin', Array<number>(4 * workers).fill(spin.iterations));
    await pool.map('increment', range(2_000));
    let calls = callsFor.get(contender.name);
    if (calls === undefined) {
      const probe = await timed(() => Promise.all(range(5_000).map(() => pool.call('noop', 0))));
      calls = countForBudget(perSecond(5_000, probe.ms), budgetMs, applyCalls);
      callsFor.set(contender.name, calls);
    }

    const apply = await timed(() => Promise.all(range(calls).map(() => pool.call('noop', 0))));
    expectEqual(apply.value.length, calls, `${contender.name} apply results`);
    const sequentialCpu = process.cpuUsage();
    const sequential = await timed(async () => {
      for (let i = 0; i < sequentialCalls; i++) await pool.call('noop', 0);
    });
    const sequentialCpuMs = cpuMsSince(sequentialCpu);
    const idleMs = await idleCpuMs();
    const mapItems = contender === ours || contender === oursSpinning ? ourMapItems : calls;
    const items = range(mapItems);
    const map = await timed(() => pool.map('increment', items));
    expectEqual(map.value[mapItems - 1], mapItems, `${contender.name} map's last result`);
    const cpu = await timed(() => pool.map('spin', Array<number>(cpuTasks).fill(spin.iterations)));
    expectEqual(cpu.value[cpuTasks - 1], spin.result, `${contender.name} spin result`);
    return { applyCalls: calls, applyMs: apply.ms, sequentialMs: sequential.ms, sequentialCpuMs, idleCpuMs: idleMs, mapItems, mapMs: map.ms, cpuMs: cpu.ms };
  } finally {
    await pool.close();
  }
}

/** One round of the raw baseline: pipelined echoes for throughput, ping-pong for latency. */
async function rawRound(): Promise<RoundFigures> {
  const channel = await openRawChannel();
  try {
    await channel.pipelined(2_000);
    await channel.pingPong(200);
    const applyMs = await channel.pipelined(applyCalls.max);
    const sequentialCpu = process.cpuUsage();
    const sequentialMs = await channel.pingPong(sequentialCalls);
    const sequentialCpuMs = cpuMsSince(sequentialCpu);
    return { applyCalls: applyCalls.max, applyMs, sequentialMs, sequentialCpuMs, idleCpuMs: await idleCpuMs() };
  } finally {
    await channel.close();
  }
}

const rawName = 'raw postMessage';
const serialName = 'serial';

function summarize(name: string, perRound: RoundFigures[], serialMs: number, firstResults: Map<string, FirstResult[]>): Figures {
  const medianOf = (pick: (round: RoundFigures) => number | undefined) => {
    const values = perRound.map(pick).filter((value): value is number => value !== undefined);
    return values.length === 0 ? undefined : median(values);
  };
  const cpuMs = medianOf((round) => round.cpuMs);
  const mapItems = perRound[0]!.mapItems;
  const mapMs = medianOf((round) => round.mapMs);
  const runs = firstResults.get(name);
  return {
    applyCalls: perRound[0]!.applyCalls,
    applyRate: perSecond(perRound[0]!.applyCalls, medianOf((round) => round.applyMs)!),
    sequentialUs: (medianOf((round) => round.sequentialMs)! * 1000) / sequentialCalls,
    sequentialCpuUs: (medianOf((round) => round.sequentialCpuMs)! * 1000) / sequentialCalls,
    idleCpuMs: medianOf((round) => round.idleCpuMs)!,
    mapItems,
    mapRate: mapItems === undefined || mapMs === undefined ? undefined : perSecond(mapItems, mapMs),
    speedup: cpuMs === undefined ? undefined : serialMs / cpuMs,
    firstResult: runs && {
      fromImport: median(runs.map((run) => run.fromImport)),
      cpuMs: median(runs.map((run) => run.cpuMs)),
      fromProcessStart: median(runs.map((run) => run.fromProcessStart)),
    },
  };
}

const whole = (value: number) => Math.round(value).toLocaleString('en-US');
const orDash = (value: number | undefined, format: (value: number) => string) => (value === undefined ? '–' : format(value));
const ratio = (value: number) => `${value.toFixed(2)}×`;
const met = (ok: boolean) => (ok ? 'yes' : '**no**');

async function run(): Promise<string> {
  const iterations = calibrateSpin(cpuTaskMs);
  const spin = { iterations, result: runSerially(iterations, 1).result };
  console.log(`spin(${iterations}) ≈ ${cpuTaskMs} ms here`);

  const contenders = [ours, oursSpinning, ...peers];
  const entrants = [...contenders.map((contender) => contender.name), rawName, serialName];
  const perRound = new Map<string, RoundFigures[]>(entrants.map((name) => [name, []]));
  const serialMs: number[] = [];
  const callsFor = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    for (const name of rotated(entrants, round)) {
      const contender = contenders.find((candidate) => candidate.name === name);
      if (name === serialName) {
        const serial = runSerially(iterations, cpuTasks);
        expectEqual(serial.result, spin.result, 'serial spin result');
        serialMs.push(serial.ms);
        console.log(`round ${round + 1} ${name}: ${cpuTasks} × spin in ${whole(serial.ms)} ms`);
        continue;
      }
      const figures = contender === undefined ? await rawRound() : await poolRound(contender, spin, callsFor);
      perRound.get(name)!.push(figures);
      console.log(
        `round ${round + 1} ${name}: apply ${whole(perSecond(figures.applyCalls, figures.applyMs))}/s, ` +
          `sequential ${((figures.sequentialMs * 1000) / sequentialCalls).toFixed(1)} µs` +
          (figures.mapMs === undefined ? '' : `, map ${whole(perSecond(figures.mapItems!, figures.mapMs))} items/s`) +
          (figures.cpuMs === undefined ? '' : `, ${cpuTasks} × 1 ms in ${whole(figures.cpuMs)} ms`),
      );
    }
  }

  const firstResults = new Map<string, FirstResult[]>(firstResultContenders.map((name) => [name, []]));
  for (let runIndex = 0; runIndex < firstResultRuns; runIndex++) {
    for (const name of rotated(firstResultContenders, runIndex)) firstResults.get(name)!.push(await measureFirstResult(name));
  }
  const serial = median(serialMs);
  const figures = new Map(entrants.filter((name) => name !== serialName).map((name) => [name, summarize(name, perRound.get(name)!, serial, firstResults)]));
  const inline = firstResults.get('multicore-inline')!;

  const rows = [...figures].map(([name, f]) => [
    name === rawName ? `${name} (1 worker)` : name,
    whole(f.applyRate),
    whole(f.applyCalls),
    f.sequentialUs.toFixed(1),
    f.sequentialCpuUs.toFixed(1),
    f.idleCpuMs.toFixed(1),
    orDash(f.mapRate, whole),
    orDash(f.mapItems, whole),
    orDash(f.speedup, (value) => value.toFixed(2)),
    orDash(f.firstResult?.fromImport, whole),
    orDash(f.firstResult?.fromProcessStart, whole),
  ]);
  const table = markdownTable(
    ['', 'apply, concurrent (calls/s)', 'calls', 'apply, sequential (µs/call)', '(CPU µs/call)', `idle CPU (ms in ${idleWindowMs} ms)`, 'map x => x + 1 (items/s)', 'items', `speedup, ${cpuTasks} × 1 ms`, 'first result (ms from import)', '(ms from process start)'],
    rows,
  );

  const mine = figures.get(ours.name)!;
  const spinning = figures.get(oursSpinning.name)!;
  const peerFigures = peers.map((peer) => ({ name: peer.name, ...figures.get(peer.name)! }));
  const poolifierRate = figures.get('poolifier')!.applyRate;
  const raw = figures.get(rawName)!;
  const bestPeerMap = peerFigures.reduce((best, peer) => (peer.mapRate! > best.mapRate! ? peer : best));
  const bestPeerApply = peerFigures.reduce((best, peer) => (peer.applyRate > best.applyRate ? peer : best));
  const applyRatio = mine.applyRate / poolifierRate;
  const mapRatio = mine.mapRate! / bestPeerMap.mapRate!;
  const firstMs = mine.firstResult!.fromImport;
  const targetRows = [
    [`apply: ours ≥ ${targets.applyVsPoolifier}× poolifier`, `${ratio(applyRatio)} (best peer ${bestPeerApply.name}: ${ratio(mine.applyRate / bestPeerApply.applyRate)})`, met(applyRatio >= targets.applyVsPoolifier)],
    [`apply in flight: ours ≥ ${targets.applyVsRaw}× raw pipelined postMessage`, ratio(mine.applyRate / raw.applyRate), met(mine.applyRate >= targets.applyVsRaw * raw.applyRate)],
    ['apply one at a time: ours ≤ raw ping-pong', `${mine.sequentialUs.toFixed(1)} µs vs ${raw.sequentialUs.toFixed(1)} µs`, met(mine.sequentialUs <= raw.sequentialUs)],
    ['apply one at a time, `spin: 0.1`: ours ≤ raw ping-pong', `${spinning.sequentialUs.toFixed(1)} µs vs ${raw.sequentialUs.toFixed(1)} µs`, met(spinning.sequentialUs <= raw.sequentialUs)],
    ['apply in flight, `spin: 0.1`: no slower than without', `${whole(spinning.applyRate)} vs ${whole(mine.applyRate)} calls/s (${ratio(spinning.applyRate / mine.applyRate)})`, met(spinning.applyRate >= 0.9 * mine.applyRate)],
    [`map: ours ≥ ${whole(targets.mapRate)} items/s`, `${whole(mine.mapRate!)} items/s`, met(mine.mapRate! >= targets.mapRate)],
    [`map: ours ≥ ${targets.mapVsBestPeer}× best peer`, `${ratio(mapRatio)} (best peer ${bestPeerMap.name})`, met(mapRatio >= targets.mapVsBestPeer)],
    [`${cpuTasks} × 1 ms: ours speedup ≥ ${targets.speedup.toFixed(2)}`, mine.speedup!.toFixed(2), met(mine.speedup! >= targets.speedup)],
    ...peerFigures.map((peer) => [`${cpuTasks} × 1 ms: ${peer.name} speedup ≥ ${targets.speedup.toFixed(2)}`, peer.speedup!.toFixed(2), met(peer.speedup! >= targets.speedup)]),
    [`first result of a fresh Pool ≤ ${targets.firstResultMs} ms`, `${whole(firstMs)} ms (inline function: ${whole(median(inline.map((r) => r.fromImport)))} ms)`, met(firstMs <= targets.firstResultMs)],
  ];
  const targetTable = markdownTable(['target', 'measured', 'met'], targetRows);

  return `${workers} workers per pool, each peer with its default settings. Medians of ${rounds} rounds; each round runs every
contender in turn (order rotated per round) with a fresh pool, warmed up, closed at the end.
CPU figures are the whole process's (caller and workers), from \`process.cpuUsage()\`: **CPU µs/call** over the
sequential calls, **idle CPU** over ${idleWindowMs} ms with nothing to do, 50 ms after them.

- **apply, concurrent**: \`calls\` no-op calls submitted at once, then all awaited (100,000, or fewer for a pool
  too slow to finish them in about ${budgetMs / 1000} s). **sequential**: ${whole(sequentialCalls)} calls, each awaited before the next.
- **multicore, spin: 0.1**: the same with \`new Pool({ workers, spin: 0.1 })\` (docs/pool.md "Latency"): idle workers
  and a caller awaiting its only calls poll for 0.1 ms before they sleep.
- **raw postMessage**: one Worker echoing numbers, no pool; concurrent = pipelined (all posted at once),
  sequential = ping-pong.
- **map**: ours is \`pool.map\` over ${whole(ourMapItems)} items; peers send one task per item (\`items\` of them, all at once).
- **speedup**: ${cpuTasks} tasks of a loop calibrated to ${cpuTaskMs} ms here (spin(${iterations})), serial time on the main thread
  (median ${whole(serial)} ms) over the pool's time; ours uses \`pool.map\`, peers one task per item.
- **first result**: a fresh \`node\` process imports the library, constructs the pool, awaits one no-op call; median of
  ${firstResultRuns} processes. Ours runs a task module, like the peers; with an inline function it took
  ${whole(median(inline.map((r) => r.fromImport)))} ms.

${table}

Targets:

${targetTable}
`;
}

export const scenario: Scenario = { name: 'pool', title: 'Pool against peer pools', run };
