/**
 * What cancelling a running task costs: a task that watches taskSignal() and stops (its worker
 * is kept) beside one that ignores it (its worker is stopped and replaced), on threads and on
 * processes. Each round times one call out and then runs a no-op on the same pool, so that the
 * figure includes getting a worker back; the item timeout itself is subtracted.
 */
import { Pool, TaskTimeoutError, type ModuleTask } from 'multicore';
import type { Scenario } from '../main.js';
import { markdownTable, median } from '../table.js';
import type * as tasks from '../cancel/tasks.mjs';

const rounds = 20;
const timeoutMs = 20;
const tasksModule = new URL('../cancel/tasks.mjs', import.meta.url);
const watch: ModuleTask<typeof tasks.watch> = { module: tasksModule, name: 'watch' };
const spin: ModuleTask<typeof tasks.spin> = { module: tasksModule, name: 'spin' };
const noop: ModuleTask<typeof tasks.noop> = { module: tasksModule, name: 'noop' };

async function cancellationMs(backend: 'thread' | 'process', task: ModuleTask<() => unknown>, abortGrace: number): Promise<number> {
  const pool = new Pool({ workers: 1, backend, abortGrace });
  try {
    await pool.apply(noop);
    const times: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const started = performance.now();
      await pool.apply(task, [], { timeout: timeoutMs }).then(
        () => {
          throw new Error('the task was not cancelled');
        },
        (error: unknown) => {
          if (!(error instanceof TaskTimeoutError)) throw error;
        },
      );
      await pool.apply(noop);
      times.push(performance.now() - started - timeoutMs);
    }
    return median(times);
  } finally {
    await pool.terminate();
  }
}

export const scenario: Scenario = {
  name: 'cancel',
  title: 'Cancelling a running task: taskSignal() beside a worker restart',
  async run() {
    const rows: (string | number)[][] = [];
    for (const backend of ['thread', 'process'] as const) {
      const cooperative = await cancellationMs(backend, watch, 300);
      const respawn = await cancellationMs(backend, spin, 0);
      console.log(`${backend}: cooperative ${cooperative.toFixed(2)} ms, respawn ${respawn.toFixed(2)} ms`);
      rows.push([backend, cooperative.toFixed(2), respawn.toFixed(2), (respawn / cooperative).toFixed(1)]);
    }
    const table = markdownTable(['backend', 'task stops on taskSignal() (ms)', 'worker replaced (ms)', 'ratio'], rows);
    return (
      `One worker; each of ${rounds} rounds times out a call after ${timeoutMs} ms, then runs a no-op on the same pool; ` +
      `the median time past the timeout until that no-op returned. "Worker replaced" is a CPU-bound task that cannot look ` +
      `at its signal, with abortGrace 0 (stopped at once); "task stops" watches taskSignal() and keeps its worker. ` +
      `A replacement here includes registering the runner's TypeScript loader (tsx) in the new worker, as every worker of a ` +
      `program run with \`--import tsx\` does, so a replacement costs more here than in a program run with plain node.\n\n${table}\n`
    );
  },
};
