/**
 * For test files that also run under Bun and Deno (`npm run test:runtimes`): skips a test where
 * the runtime cannot support it, and prints why, since neither `bun test` nor `deno test` shows
 * a skip's reason. The runner collects these lines into its summary.
 */
export type RuntimeName = 'node' | 'bun' | 'deno';

export const runtimeName: RuntimeName =
  typeof (globalThis as { Deno?: unknown }).Deno === 'object' ? 'deno' : typeof (process.versions as Record<string, unknown>).bun === 'string' ? 'bun' : 'node';

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
