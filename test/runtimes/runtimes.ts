/**
 * Runs fixture scripts under Bun and Deno, the binaries the `bun` and `deno` devDependencies
 * put in node_modules, so that each runtime's behaviour is tested from the Node suite.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const otherRuntimes = ['bun', 'deno'] as const;
export type OtherRuntime = (typeof otherRuntimes)[number];

// The packages' own launchers (.bin/bun is the binary itself; deno's may be a Node wrapper), then
// the platform packages that hold the binaries when a postinstall did not run.
const candidates: Record<OtherRuntime, string[]> = {
  bun: ['node_modules/bun/bin/bun.exe', 'node_modules/@oven/bun-linux-x64/bin/bun', 'node_modules/@oven/bun-linux-x64-baseline/bin/bun'],
  deno: ['node_modules/deno/deno', 'node_modules/@deno/linux-x64-glibc/deno'],
};

/** The runtime's binary in node_modules; throws naming the package when it is missing. */
export function runtimeBinary(runtime: OtherRuntime): string {
  for (const candidate of candidates[runtime]) {
    const path = `${repoRoot}${candidate}`;
    if (existsSync(path)) return path;
  }
  throw new Error(`No ${runtime} binary under node_modules: run \`npm ci\` (the devDependency \`${runtime}\` ships it).`);
}

export interface RunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Deno's permission flags; default `-A` (everything). */
  denoFlags?: string[];
  /** Hard limit after which the script is killed: a hang fails the test instead of the suite. */
  killAfterMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs `script` (a path) with `args` under `runtime`, which may also be Node itself. */
export function runWith(runtime: OtherRuntime | 'node', script: string, args: string[] = [], options: RunOptions = {}): Promise<RunResult> {
  const [command, prefix] =
    runtime === 'node'
      ? [process.execPath, []]
      : runtime === 'bun'
        ? [runtimeBinary('bun'), []]
        : [runtimeBinary('deno'), ['run', ...(options.denoFlags ?? ['-A'])]];
  return new Promise((resolve) => {
    execFile(
      command,
      [...prefix, script, ...args],
      {
        cwd: options.cwd ?? repoRoot,
        timeout: options.killAfterMs ?? 60_000,
        killSignal: 'SIGKILL',
        env: { ...(options.env ?? process.env), NO_COLOR: '1' },
        maxBuffer: 16 * 2 ** 20,
      },
      (error, stdout, stderr) => {
        const failure = error as (Error & { code?: number | string; signal?: string | null }) | null;
        resolve({
          code: failure === null ? 0 : typeof failure.code === 'number' ? failure.code : null,
          signal: failure?.signal ?? null,
          stdout,
          stderr,
        });
      },
    );
  });
}

export function fixtureScript(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** The last line of stdout parsed as JSON: what a fixture reports. */
export function report<T = Record<string, unknown>>(result: RunResult): T {
  const lines = result.stdout.trim().split('\n');
  try {
    return JSON.parse(lines.at(-1) ?? '') as T;
  } catch {
    throw new Error(`The fixture printed no JSON report (exit ${result.code}, signal ${result.signal}).\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
}
