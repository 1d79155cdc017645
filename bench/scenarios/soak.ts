/**
 * Throughput under faults: 10,000+ calls with random exits, SIGKILLs (processes), throws, hangs
 * past a timeout and aborts, against the same calls with no faults, per backend; then the same
 * with faults at the edges of a task too (getters that throw or exit while arguments and results
 * are serialized, modules that exit on import, out of memory under a 64 MB heap), the pool closed
 * while the calls run. Every outcome is checked as in test/pool/soak.test.ts; a wrong or missing
 * one fails the run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'multicore';
import type { Scenario } from '../main.js';
import { markdownTable } from '../table.js';
import { planFaults, runFaultPlan } from '../../test/fixtures/fault-plan.js';

const workers = 2;
const calls = 10_000;
const seed = 7;
const hangTimeoutMs = 100;

async function healthyRate(backend: 'thread' | 'process'): Promise<number> {
  const pool = new Pool({ workers, backend });
  try {
    await pool.apply((i: number) => i, [0]);
    const started = performance.now();
    await Promise.all(Array.from({ length: calls }, (_, i) => pool.apply((x: number) => x * 2, [i])));
    return (calls * 1000) / (performance.now() - started);
  } finally {
    await pool.terminate();
  }
}

export const scenario: Scenario = {
  name: 'soak',
  title: 'Soak: throughput under injected faults',
  async run() {
    const rows: (string | number)[][] = [];
    for (const [backend, edges] of [['thread', false], ['process', false], ['thread', true], ['process', true]] as const) {
      const healthy = await healthyRate(backend);
      const pool = new Pool({ workers, backend, ...(edges && { resourceLimits: { maxOldGenerationSizeMb: 64 } }) });
      try {
        await pool.apply((i: number) => i, [0]);
        const marks = edges ? join(mkdtempSync(join(tmpdir(), 'multicore-soak-')), 'marks') : undefined;
        const report = await runFaultPlan(pool, { calls, seed, backend, hangTimeoutMs, edges, ...(marks && { marks, close: true }) });
        if (report.wrong.length > 0 || report.settledTwice > 0) {
          throw new Error(`${backend}: ${report.wrong.length} wrong outcomes (first: ${JSON.stringify(report.wrong[0])}), ${report.settledTwice} settled other than once`);
        }
        const { byKind } = report;
        const respawns = byKind.exit + byKind.sigkill + byKind.hang + byKind.abortRunning + byKind.resultExits + byKind.importExits + byKind.outOfMemory;
        const edgeFaults = byKind.argumentThrows + byKind.resultThrows + byKind.resultExits + byKind.importExits + byKind.outOfMemory;
        rows.push([
          edges ? `${backend}, edges too, closed while running` : backend,
          report.calls,
          `${byKind.throw} / ${byKind.exit} / ${byKind.sigkill} / ${byKind.hang} / ${byKind.abortQueued + byKind.abortRunning} / ${edgeFaults}`,
          respawns,
          (report.ms / 1000).toFixed(1),
          Math.round((report.calls * 1000) / report.ms),
          Math.round(healthy),
          report.lostWithWorker === 0 ? 'all correct, each once' : `all correct, each once; ${report.lostWithWorker} results lost with a killed worker`,
        ]);
      } finally {
        await pool.terminate();
      }
    }
    const table = markdownTable(
      ['backend', 'calls', 'throws / exits / SIGKILLs / hangs / aborts / edge faults', 'workers replaced', 'wall (s)', 'calls/s under faults', 'calls/s, no faults', 'outcomes'],
      rows,
    );
    const plan = planFaults({ calls, seed, backend: 'process', hangTimeoutMs });
    return `${table}

${workers} workers, seed ${seed}, hangs time out after ${hangTimeoutMs} ms; ${plan.filter((kind) => kind === 'ok').length} of the process plan's
${calls} calls are healthy no-ops. Threads cannot survive SIGKILL (it ends the whole process), so their plan has none.
Each replaced worker costs a respawn, which dominates the time under faults. A SIGKILL or an out-of-memory death loses
the results its worker had finished but not yet sent; those calls fail saying so and are never run again
(docs/reliability.md). With edges, each healthy call marks a file, which proves that none ran twice.`;
  },
};
