/**
 * Throughput under faults: 10,000+ calls with random exits, SIGKILLs (processes), throws, hangs
 * past a timeout and aborts, against the same calls with no faults, per backend. Every outcome is
 * checked as in test/pool/soak.test.ts; a wrong or missing one fails the run.
 */
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
    for (const backend of ['thread', 'process'] as const) {
      const healthy = await healthyRate(backend);
      const pool = new Pool({ workers, backend });
      try {
        await pool.apply((i: number) => i, [0]);
        const report = await runFaultPlan(pool, { calls, seed, backend, hangTimeoutMs });
        if (report.wrong.length > 0 || report.settledTwice > 0) {
          throw new Error(`${backend}: ${report.wrong.length} wrong outcomes (first: ${JSON.stringify(report.wrong[0])}), ${report.settledTwice} settled other than once`);
        }
        const { byKind } = report;
        const respawns = byKind.exit + byKind.sigkill + byKind.hang + byKind.abortRunning;
        rows.push([
          backend,
          report.calls,
          `${byKind.throw} / ${byKind.exit} / ${byKind.sigkill} / ${byKind.hang} / ${byKind.abortQueued + byKind.abortRunning}`,
          respawns,
          (report.ms / 1000).toFixed(1),
          Math.round((report.calls * 1000) / report.ms),
          Math.round(healthy),
          'all correct, each once',
        ]);
      } finally {
        await pool.terminate();
      }
    }
    const table = markdownTable(
      ['backend', 'calls', 'throws / exits / SIGKILLs / hangs / aborts', 'workers replaced', 'wall (s)', 'calls/s under faults', 'calls/s, no faults', 'outcomes'],
      rows,
    );
    const plan = planFaults({ calls, seed, backend: 'process', hangTimeoutMs });
    return `${table}

${workers} workers, seed ${seed}, hangs time out after ${hangTimeoutMs} ms; ${plan.filter((kind) => kind === 'ok').length} of the process plan's
${calls} calls are healthy no-ops. Threads cannot survive SIGKILL (it ends the whole process), so their plan has none.
Each replaced worker costs a respawn, which dominates the time under faults.`;
  },
};
