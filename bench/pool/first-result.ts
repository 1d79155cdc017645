/** Runs first-result.mjs in fresh `node` processes, so that each pool pays its module loading. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const script = fileURLToPath(new URL('./first-result.mjs', import.meta.url));
const run = promisify(execFile);

/** The contenders first-result.mjs knows. */
export const firstResultContenders = ['multicore', 'multicore-inline', 'piscina', 'poolifier', 'tinypool', 'workerpool'] as const;

export interface FirstResult {
  /** From just before importing the library to the first result. */
  fromImport: number;
  /** CPU time of the process's threads (workers included) over the same span. */
  cpuMs: number;
  /** From the start of the node process to the first result. */
  fromProcessStart: number;
}

/**
 * One fresh process for `contender` (or 'multicore-bundled', given the bundle's URL); rejects if
 * it fails or outlives `timeoutMs`.
 */
export async function measureFirstResult(contender: string, timeoutMs = 20_000, bundleUrl?: string): Promise<FirstResult> {
  const args = bundleUrl === undefined ? [script, contender] : [script, contender, bundleUrl];
  const { stdout } = await run(process.execPath, args, { timeout: timeoutMs, killSignal: 'SIGKILL' });
  return JSON.parse(stdout) as FirstResult;
}
