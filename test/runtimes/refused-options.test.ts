import { test } from 'node:test';
import assert from 'node:assert/strict';
// The per-file build throughout: the errors its normalizers throw are its own classes.
import { RuntimeUnsupportedError } from '../../dist/errors.js';
import { normalizePoolOptions } from '../../dist/options/pool-options.js';
import { normalizeRedisOptions } from '../../dist/options/redis-options.js';
import { redisWorkerRefusal, refuseUnsupportedOptions } from '../../dist/options/runtime-support.js';
import { cliPath } from '../helpers.js';
import { fixtureScript, report, runWith } from './runtimes.js';

const bun = { name: 'bun', version: '1.4.5' } as const;
const deno = { name: 'deno', version: '2.9.6' } as const;
const node = { name: 'node', version: '20.20.2' } as const;
const heap = { resourceLimits: { maxOldGenerationSizeMb: 64 } };

test('the refusal policy: Bun refuses heap limits on both backends, Deno on threads only, Node none', () => {
  const refused = (options: { workers: number; backend?: 'thread' | 'process'; resourceLimits?: { maxOldGenerationSizeMb: number }; execArgv?: string[] }, runtime: typeof bun | typeof deno | typeof node) => {
    // Normalized without its heap options, which the runtime running this test may refuse itself.
    const { resourceLimits, execArgv, ...rest } = options;
    const normalized = { ...normalizePoolOptions(rest), resourceLimits, maxOldGenerationSizeMb: resourceLimits?.maxOldGenerationSizeMb, execArgv };
    try {
      refuseUnsupportedOptions(normalized, runtime);
      return 'accepted';
    } catch (error) {
      assert.ok(error instanceof RuntimeUnsupportedError);
      assert.equal(error.code, 'ERR_RUNTIME_UNSUPPORTED');
      return `${error.option} on ${error.runtime}`;
    }
  };
  assert.equal(refused({ workers: 1, ...heap }, bun), 'resourceLimits on Bun 1.4.5');
  assert.equal(refused({ workers: 1, backend: 'process', ...heap }, bun), 'resourceLimits on Bun 1.4.5');
  assert.equal(refused({ workers: 1, backend: 'process', execArgv: ['--max-old-space-size=64'] }, bun), 'execArgv --max-old-space-size=64 on Bun 1.4.5');
  assert.equal(refused({ workers: 1, ...heap }, deno), 'resourceLimits on Deno 2.9.6');
  assert.equal(refused({ workers: 1, backend: 'process', ...heap }, deno), 'accepted');
  assert.equal(refused({ workers: 1, ...heap }, node), 'accepted');
  assert.equal(refused({ workers: 1, backend: 'process', ...heap }, node), 'accepted');
  assert.equal(refused({ workers: 1 }, bun), 'accepted');
  const refusedRedis = (runtime: typeof bun | typeof deno | typeof node) => {
    try {
      // Built by hand: normalizePoolOptions would already refuse it when this test runs under Bun.
      refuseUnsupportedOptions({ backend: 'redis', workers: 1, taskTimeout: undefined, maxQueue: Infinity, redis: normalizeRedisOptions({}) }, runtime);
      return 'accepted';
    } catch (error) {
      assert.ok(error instanceof RuntimeUnsupportedError);
      return `${error.option} on ${error.runtime}`;
    }
  };
  assert.equal(refusedRedis(bun), "backend: 'redis' on Bun 1.4.5");
  assert.equal(refusedRedis(deno), 'accepted');
  assert.equal(refusedRedis(node), 'accepted');
  const worker = redisWorkerRefusal(bun);
  assert.ok(worker instanceof RuntimeUnsupportedError);
  assert.equal(worker.code, 'ERR_RUNTIME_UNSUPPORTED');
  assert.equal(`${worker.option} on ${worker.runtime}`, '`multicore worker` on Bun 1.4.5');
  assert.equal(redisWorkerRefusal(deno), undefined);
  assert.equal(redisWorkerRefusal(node), undefined);
});

test('bun: `multicore worker` refuses to start with ERR_RUNTIME_UNSUPPORTED, before it imports a task module or waits for Redis', async () => {
  // Nothing listens on port 1: a worker that did not refuse would retry it for --connect-timeout, past killAfterMs.
  const tasks = fixtureScript('../../fixtures/remote-tasks.mjs');
  const result = await runWith('bun', cliPath, ['worker', '--tasks', tasks, '--redis', 'redis://127.0.0.1:1', '--connect-timeout', '120000'], { killAfterMs: 30_000 });
  assert.equal(result.signal, null, `the worker did not refuse: ${result.stderr}`);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /^multicore worker: ERR_RUNTIME_UNSUPPORTED: `multicore worker` cannot be honoured on Bun \d[^:]*: Bun's node:v8 serialize\(\) writes JavaScriptCore's format.* under Node or Deno/m);
  assert.doesNotMatch(result.stdout, /serving/);
});

type Outcome = 'accepted' | { code: string; option: string; runtime: string; message: string };

test('bun: new Pool() refuses heap limits with an error naming the option, the runtime and what to use instead', async () => {
  const result = await runWith('bun', fixtureScript('refused-options.mjs'));
  assert.equal(result.code, 0, result.stderr);
  const out = report<Record<string, Outcome>>(result);
  for (const name of ['threadHeap', 'processHeap', 'processHeapFlag']) {
    const outcome = out[name] as Exclude<Outcome, 'accepted'>;
    assert.equal(outcome.code, 'ERR_RUNTIME_UNSUPPORTED', name);
    assert.match(outcome.runtime, /^Bun \d/);
    assert.match(outcome.message, /cannot be honoured on Bun .*taskTimeout/);
  }
  assert.equal(out.plain, 'accepted');
});

test('deno: thread heap limits are refused (a worker out of memory would hang); process heap limits are kept', async () => {
  const result = await runWith('deno', fixtureScript('refused-options.mjs'));
  assert.equal(result.code, 0, result.stderr);
  const out = report<Record<string, Outcome>>(result);
  const thread = out.threadHeap as Exclude<Outcome, 'accepted'>;
  assert.equal(thread.code, 'ERR_RUNTIME_UNSUPPORTED');
  assert.equal(thread.option, 'resourceLimits');
  assert.match(thread.message, /on Deno \d.*backend: 'process'/);
  assert.equal(out.processHeap, 'accepted');
  assert.equal(out.processHeapFlag, 'accepted');
  assert.equal(out.plain, 'accepted');
});

test('deno: a process worker past its heap limit fails its task as out of memory, as on Node', async () => {
  const result = await runWith('deno', fixtureScript('process-oom.mjs'));
  assert.equal(result.code, 0, result.stderr);
  const out = report<{ code: string; message: string }>(result);
  assert.equal(out.code, 'ERR_WORKER_CRASHED');
  assert.match(out.message, /out of memory/);
});
