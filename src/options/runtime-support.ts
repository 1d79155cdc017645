/**
 * Pool options that a JavaScript runtime cannot honour. Bun ignores heap limits (a worker limited
 * to 64 MB grows to gigabytes) and its node:v8 serialization is not V8's (which Redis jobs are
 * written and checked in), and Deno hangs a worker thread that runs out of memory while it
 * handles a message, which is where every task runs. An option that would silently do nothing,
 * or hang, is refused up front instead.
 */
import { RuntimeUnsupportedError } from '../errors.js';
import { currentRuntime, describeRuntime, type RuntimeInfo } from '../system/js-runtime.js';
import type { NormalizedPoolOptions } from './pool-options.js';

const heapFlag = /^--max-old-space-size(=|$)/;

/** Why Bun can take no part in Redis pools, said from the side of `who`. */
function bunRedis(who: string): { reason: string; instead: string } {
  return {
    reason: `Bun's node:v8 serialize() writes JavaScriptCore's format, not V8's, and ${who} in V8's format, which it checks before decoding anything read from Redis`,
    instead: 'Run Redis pools and `multicore worker` under Node or Deno; Bun runs thread and process pools.',
  };
}

/**
 * Why `multicore worker` (the task worker of Redis pools) cannot run on `runtime`, or undefined
 * when it can: it refuses where Redis pools are refused, before it imports or connects anything.
 */
export function redisWorkerRefusal(runtime: RuntimeInfo = currentRuntime()): RuntimeUnsupportedError | undefined {
  if (runtime.name !== 'bun') return undefined;
  return new RuntimeUnsupportedError({ option: '`multicore worker`', runtime: describeRuntime(runtime), ...bunRedis('a worker only reads and writes jobs') });
}

/** Throws RuntimeUnsupportedError for the first option `runtime` cannot honour. */
export function refuseUnsupportedOptions(options: NormalizedPoolOptions, runtime: RuntimeInfo = currentRuntime()): void {
  const name = describeRuntime(runtime);
  if (runtime.name === 'bun') {
    if (options.backend === 'redis') {
      throw new RuntimeUnsupportedError({ option: "backend: 'redis'", runtime: name, ...bunRedis('a Redis pool only sends jobs') });
    }
    if ('resourceLimits' in options && options.resourceLimits !== undefined) {
      throw new RuntimeUnsupportedError({
        option: 'resourceLimits',
        runtime: name,
        reason: "Bun's JavaScriptCore engine has no per-worker heap limits and ignores them",
        instead: 'Bound a runaway task with `taskTimeout` (or `timeout` per call), or run the pool under Node.',
      });
    }
    const heapArg = options.backend === 'process' ? options.execArgv?.find((arg) => heapFlag.test(arg)) : undefined;
    if (heapArg !== undefined) {
      throw new RuntimeUnsupportedError({
        option: `execArgv ${heapArg}`,
        runtime: name,
        reason: 'Bun ignores V8 heap flags',
        instead: 'Bound a runaway task with `taskTimeout` (or `timeout` per call), or run the pool under Node.',
      });
    }
  }
  if (runtime.name === 'deno' && options.backend === 'thread' && options.resourceLimits !== undefined) {
    throw new RuntimeUnsupportedError({
      option: 'resourceLimits',
      runtime: name,
      reason: 'a Deno worker thread that reaches its heap limit while running a task hangs instead of exiting',
      instead: "Use backend: 'process' with resourceLimits: { maxOldGenerationSizeMb } (Deno honours it in child processes), or `taskTimeout`.",
    });
  }
}
