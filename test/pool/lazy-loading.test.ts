/**
 * What `import 'multicore'` loads: the default thread pool and the public API, not the backends a
 * program may never ask for (issue 19). Counted by module, not timed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fixture } from '../helpers.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `source` (an ES module body) in a fresh node and returns the file modules it loaded, relative to the package. */
async function modulesLoadedBy(source: string): Promise<string[]> {
  const recordTo = join(mkdtempSync(join(tmpdir(), 'multicore-loads-')), 'loaded');
  await run(process.execPath, ['--import', fileURLToPath(fixture('record-loads.mjs')), '--input-type=module', '-e', source], {
    cwd: packageRoot,
    env: { ...process.env, RECORD_LOADS_TO: recordTo },
    timeout: 60_000,
    killSignal: 'SIGKILL',
  });
  return readFileSync(recordTo, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((url) => fileURLToPath(url).slice(packageRoot.length));
}

// child-entry.js only says where the children start from, so that a missing one fails `new Pool()`.
const processBackend = (path: string) => path.startsWith('dist/backends/process/') && path !== 'dist/backends/process/child-entry.js';
const redisBackend = (path: string) => path.startsWith('dist/backends/redis/') || /node_modules\/(bullmq|ioredis)\//.test(path);

// The loads are recorded by a module.register() hook on Node's own command line.
const skip = unsupportedOn({ bun: reasons.nodeCommandLine, deno: reasons.nodeCommandLine }, 'pool/lazy-loading: the modules that import and a process pool load');

describe('lazy loading', { skip }, () => {
  it("import 'multicore' loads neither the process nor the Redis backend (nor bullmq, ioredis)", async () => {
    const loaded = await modulesLoadedBy("await import('multicore');");
    assert.ok(loaded.includes('dist/index.js'), `the package itself was loaded: ${loaded.join(', ')}`);
    assert.ok(loaded.includes('dist/backends/thread/thread-backend.js'), 'the default backend comes with the Pool');
    assert.deepEqual(loaded.filter(processBackend), []);
    assert.deepEqual(loaded.filter(redisBackend), []);
  });

  it('a process pool loads the process backend when it is created, and still not the Redis one', async () => {
    const task = JSON.stringify({ module: fixture('tasks.mjs').href, name: 'square' });
    const loaded = await modulesLoadedBy(`
      const { Pool } = await import('multicore');
      const pool = new Pool({ workers: 1, backend: 'process', execArgv: [] });
      const task = ${task};
      const result = await pool.apply({ module: new URL(task.module), name: task.name }, [7]);
      if (result !== 49) throw new Error('square(7) gave ' + result);
      await pool.terminate();
    `);
    assert.ok(loaded.includes('dist/backends/process/process-backend.js'), `loaded: ${loaded.join(', ')}`);
    assert.deepEqual(loaded.filter(redisBackend), []);
  });
});
