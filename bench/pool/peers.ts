/**
 * The peer pools as contenders, each with its default settings and a fixed number of workers.
 * Their worker files (workers/*.mjs) run the same task bodies as ours (tasks.mjs).
 */
import { FixedThreadPool } from 'poolifier';
import { Piscina } from 'piscina';
import { Tinypool } from 'tinypool';
import workerpool from 'workerpool';
import { fileURLToPath } from 'node:url';
import { mapByCalls, type Contender, type TaskName } from './contender.js';

const workerFile = (name: string) => fileURLToPath(new URL(`./workers/${name}.mjs`, import.meta.url));

/** What differs between peers: how a pool is started, called and ended. The rest is the same for all. */
interface Peer<P> {
  start(workers: number): P;
  call(pool: P, name: TaskName, argument: number): Promise<unknown>;
  end(pool: P): Promise<void>;
}

function contender<P>(name: string, peer: Peer<P>): Contender {
  return {
    name,
    async open(workers) {
      const pool = peer.start(workers);
      const call = (task: TaskName, argument: number) => peer.call(pool, task, argument);
      return { call, map: mapByCalls(call), close: () => peer.end(pool) };
    },
  };
}

export const piscina = contender('piscina', {
  start: (workers) => new Piscina({ filename: workerFile('exports'), minThreads: workers, maxThreads: workers }),
  call: (pool, name, argument) => pool.run(argument, { name }),
  end: (pool) => pool.destroy(),
});

export const poolifier = contender('poolifier', {
  start: (workers) => new FixedThreadPool<number, unknown>(workers, workerFile('poolifier')),
  call: (pool, name, argument) => pool.execute(argument, name),
  end: (pool) => pool.destroy(),
});

export const tinypool = contender('tinypool', {
  start: (workers) => new Tinypool({ filename: workerFile('exports'), minThreads: workers, maxThreads: workers }),
  call: (pool, name, argument) => pool.run(argument, { name }),
  end: (pool) => pool.destroy(),
});

export const workerpoolContender = contender('workerpool', {
  start: (workers) => workerpool.pool(workerFile('workerpool'), { minWorkers: workers, maxWorkers: workers, workerType: 'thread' }),
  call: (pool, name, argument) => pool.exec(name, [argument]) as Promise<unknown>,
  end: async (pool) => void (await pool.terminate()),
});

export const peers: Contender[] = [piscina, poolifier, tinypool, workerpoolContender];
