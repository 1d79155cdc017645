/**
 * For test files that also run under Bun and Deno (`npm run test:runtimes`): skips a test where
 * the runtime cannot support it, and prints why, since neither `bun test` nor `deno test` shows
 * a skip's reason. The runner collects these lines into its summary.
 */
export type RuntimeName = 'node' | 'bun' | 'deno';

export const runtimeName: RuntimeName =
  typeof (globalThis as { Deno?: unknown }).Deno === 'object' ? 'deno' : typeof (process.versions as Record<string, unknown>).bun === 'string' ? 'bun' : 'node';

/**
 * How a shell command line runs a script on this runtime. A spawn of `process.execPath` gets
 * Deno's own translation (`deno run` with our permissions); a shell line must say it itself.
 */
export function shellRunScript(script: string): string {
  return runtimeName === 'deno' ? `"${process.execPath}" run -A "${script}"` : `"${process.execPath}" "${script}"`;
}

/** The marker the runner looks for in a test file's output. */
export const skipMarker = '[multicore runtime skip]';

/**
 * `it(title, { skip: unsupportedOn({ bun: 'why' }, title) }, fn)`: the reason on the runtimes
 * listed (printed once), `false` elsewhere.
 */
export function unsupportedOn(reasons: Partial<Record<Exclude<RuntimeName, 'node'>, string>>, title: string): string | false {
  const reason = runtimeName === 'node' ? undefined : reasons[runtimeName];
  if (reason === undefined) return false;
  console.log(`${skipMarker} ${title} :: ${reason}`);
  return reason;
}

/** Why a test cannot run on a runtime; shared by the test files that skip for the same reason. */
export const reasons = {
  threadCount: 'the OS thread count is no measure of worker threads here: the runtime starts and keeps helper threads of its own',
  denoExitStatus: "Deno's child_process reports a child that handled SIGTERM or SIGINT and then exited with a code as killed by the signal (code null)",
  tsxOnly: 'runs only under tsx, which inserts __name helpers; Bun and Deno strip types without them',
  bunConstInlining: "Bun's transpiler copies local const literals into the inner function's source, so nothing is captured (see test/runtimes/captures.test.ts)",
  heapLimitsRefused: 'heap limits are refused on this runtime with ERR_RUNTIME_UNSUPPORTED (see test/runtimes/refused-options.test.ts)',
  threadResourceLimits: "resourceLimits (here stackSizeMb, which makes thread creation fail) is refused for this runtime's threads with ERR_RUNTIME_UNSUPPORTED, as heap limits are",
  nodeCommandLine: "starts process.execPath with Node's own command line (--input-type=module -e)",
  selfImport: "the worker imports this test file, and bun test's describe() refuses to run in a Worker",
  bunRedis: "Redis pools are refused on Bun (ERR_RUNTIME_UNSUPPORTED): its node:v8 serialization is not V8's",
  bunWorker: "`multicore worker` refuses to start on Bun (ERR_RUNTIME_UNSUPPORTED), as Redis pools are refused: its node:v8 serialization is not V8's (see test/runtimes/refused-options.test.ts)",
  v8Trace: "reads V8's --trace-opt output; Bun runs JavaScriptCore",
  denoRss: "Deno's own resident memory is larger than Node's, so the 300 MB RSS bound set for Node does not hold (the highWaterMark tests run)",
  bunEvalFrames: 'Bun attributes frames of code compiled with new Function to the module that compiled it, so the statement\'s own frames cannot be told apart',
  nativeTypeScript: 'Bun and Deno load TypeScript themselves, so there is no tsx advice to give (the task module runs)',
  denoExecArgv: "Deno's fork() turns Node options into its own flags, so the child's process.execArgv does not list them",
} as const;
