/**
 * The options that only `backend: 'process'` understands: how its child processes are started
 * (environment, working directory, Node options). Validated apart from the others, as the Redis
 * options are, so that pool-options.ts only has to hand them over.
 */
import { describe } from '../errors/describe.js';

export interface ChildProcessOptions {
  /** Environment of the children. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Working directory of the children. Default: process.cwd(). */
  cwd?: string;
  /** Node options of the children. Default: process.execArgv (keeps `--import tsx`). */
  execArgv?: string[];
}

export interface NormalizedChildProcessOptions {
  env: NodeJS.ProcessEnv | undefined;
  cwd: string | undefined;
  execArgv: string[] | undefined;
}

export const processOptionNames = ['env', 'cwd', 'execArgv'] as const;

/** Options of child processes given to another backend are a mistake: throws a TypeError naming the first. */
export function refuseProcessOptions(given: Record<string, unknown>): void {
  const misplaced = processOptionNames.find((name) => given[name] !== undefined);
  if (misplaced !== undefined) throw new TypeError(`${misplaced} applies to child processes: use it with backend: 'process'`);
}

/** The options of a `backend: 'process'` pool's children, checked; undefined ones take Node's defaults when spawning. */
export function normalizeProcessOptions(given: Record<string, unknown>): NormalizedChildProcessOptions {
  return {
    env: given.env === undefined ? undefined : validateEnv(given.env),
    cwd: given.cwd === undefined ? undefined : validateCwd(given.cwd),
    execArgv: given.execArgv === undefined ? undefined : validateExecArgv(given.execArgv),
  };
}

function validateEnv(value: unknown): NodeJS.ProcessEnv {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`env must be an object of environment variables (for example { ...process.env, DEBUG: '1' }), got ${describe(value)}`);
  }
  for (const [key, entry] of Object.entries(value)) {
    if (entry !== undefined && typeof entry !== 'string') throw new TypeError(`env.${key} must be a string, got ${describe(entry)}`);
  }
  return value as NodeJS.ProcessEnv;
}

function validateCwd(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`cwd must be the path of a directory, got ${describe(value)}`);
  return value;
}

function validateExecArgv(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((arg) => typeof arg === 'string')) {
    throw new TypeError(`execArgv must be an array of strings (Node options such as '--import', 'tsx'), got ${Array.isArray(value) ? 'an array with non-strings' : describe(value)}`);
  }
  return value;
}
