/**
 * Run by plain `node` in a fresh process: starts a pool of one thread worker with the named
 * library (multicore or tinypool), runs a task that lists the built-in modules its worker has
 * loaded (test/fixtures/loaded-builtins.mjs, a module that imports nothing) and prints how many,
 * as JSON. What a worker loads before its first task is part of every first result.
 * Usage: node worker-builtins.mjs <multicore|tinypool>
 */
const tasks = new URL('../../test/fixtures/loaded-builtins.mjs', import.meta.url);

const listers = {
  async multicore() {
    const { Pool } = await import('multicore');
    const pool = new Pool(1);
    try {
      return await pool.apply({ module: tasks, name: 'loadedBuiltins' }, []);
    } finally {
      await pool.terminate();
    }
  },
  async tinypool() {
    const { Tinypool } = await import('tinypool');
    const pool = new Tinypool({ filename: tasks.href, minThreads: 1, maxThreads: 1 });
    try {
      return await pool.run(undefined, { name: 'loadedBuiltins' });
    } finally {
      await pool.destroy();
    }
  },
};

const lister = listers[process.argv[2]];
if (lister === undefined) throw new RangeError(`unknown library ${process.argv[2]}; expected one of ${Object.keys(listers).join(', ')}`);
const loaded = await lister();
process.stdout.write(`${JSON.stringify({ builtins: loaded.length })}\n`);
