/**
 * The peer pools as contenders, each with its default settings and a fixed number of workers.
 * Their worker files (workers/*.mjs) run the same task bodies as ours (tasks.mjs).
 */
import { FixedThreadPool } from 'poolifier';
import { Piscina } from 'piscina';
import { Tinypool } from 'tinypool';
import workerpool from 'workerpool';
import { fileURLToPath } from 'node:url';
import { mapByCalls, type Contender } from './contender.js';

const workerFile = (name: string) => fileURLToPath(new URL(`./workers/${name}.mjs`, import.meta.url));

export const piscina: Contender = {
  name: 'piscina',
  async open(workers) {
    const pool = new Piscina({ filename: workerFile('exports'), minThreads: workers, maxThreads: workers });
    const call = (name: string, argument: number) => pool.run(argument, { name });
    return { call, map: mapByCalls(call), close: () => pool.destroy() };
  },
};

export const poolifier: Contender = {
  name: 'poolifier',
  async open(workers) {
    const pool = new FixedThreadPool<number, unknown>(workers, workerFile('poolifier'));
    const call = (name: string, argument: number) => pool.execute(argument, name);
    return { call, map: mapByCalls(call), close: () => pool.destroy() };
  },
};

export const tinypool: Contender = {
  name: 'tinypool',
  async open(workers) {
    const pool = new Tinypool({ filename: workerFile('exports'), minThreads: workers, maxThreads: workers });
    const call = (name: string, argument: number) => pool.run(argument, { name });
    return { call, map: mapByCalls(call), close: () => pool.destroy() };
  },
};

export const workerpoolContender: Contender = {
  name: 'workerpool',
  async open(workers) {
    const pool = workerpool.pool(workerFile('workerpool'), { minWorkers: workers, maxWorkers: workers, workerType: 'thread' });
    const call = (name: string, argument: number) => pool.exec(name, [argument]) as Promise<unknown>;
    return { call, map: mapByCalls(call), close: async () => void (await pool.terminate()) };
  },
};

export const peers: Contender[] = [piscina, poolifier, tinypool, workerpoolContender];
