/**
 * Runs a command line through GNU parallel and through `multicore run` (the built CLI, as a
 * user runs it) so that tests can compare stdout, stderr, exit status and joblogs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliPath } from '../helpers.js';
import { processTable, type ProcessEntry } from '../process-table.js';

/** The built CLI: the one path of test/helpers.ts, under the name these tests use. */
export const cli = cliPath;

export interface Result {
  stdout: string;
  /** stdout exactly as written, for comparisons of bytes that are not UTF-8. */
  stdoutBytes: Buffer;
  stderr: string;
  status: number | null;
}

export interface RunInput {
  stdin?: string | Buffer;
  cwd?: string;
  env?: Record<string, string>;
}

/** Fails loudly (rather than skipping) when GNU parallel is missing: CI installs it. */
export function requireGnuParallel(): void {
  const probe = spawnSync('parallel', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || !probe.stdout.includes('GNU parallel')) {
    throw new Error(
      'GNU parallel is required by the differential tests of multicore run: install it with ' +
        "'apt-get install parallel' and create ~/.parallel/will-cite (.ci/run does both).",
    );
  }
}

function runProcess(file: string, args: string[], input: RunInput): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: input.cwd,
      // Both run their jobs with /bin/sh; GNU parallel would otherwise pick $SHELL.
      env: { ...process.env, PARALLEL_SHELL: '/bin/sh', ...input.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (status) => {
      const bytes = Buffer.concat(stdout);
      resolve({ stdout: bytes.toString('utf8'), stdoutBytes: bytes, stderr: Buffer.concat(stderr).toString('utf8'), status });
    });
    child.stdin.on('error', () => {}); // a command that reads no stdin may close it early
    child.stdin.end(input.stdin ?? '');
  });
}

export function runGnu(args: string[], input: RunInput = {}): Promise<Result> {
  return runProcess('parallel', args, input);
}

export function runOurs(args: string[], input: RunInput = {}): Promise<Result> {
  return runProcess(process.execPath, [cli, 'run', ...args], input);
}

/** Runs both, one after the other (jobs may share files in cwd). */
export async function runBoth(args: string[], input: RunInput = {}): Promise<{ gnu: Result; ours: Result }> {
  const gnu = await runGnu(args, input);
  const ours = await runOurs(args, input);
  return { gnu, ours };
}

/** A differential case: a command line (and its input) that both must run the same way. */
export interface Case {
  args: string[];
  input?: RunInput;
  /** What to compare; stdout (as bytes) and the exit status by default. */
  compare?: ('stdout' | 'stderr' | 'status' | 'sortedStdout')[];
}

/**
 * Runs many cases through both, two at a time (GNU parallel takes ~150 ms to start), and
 * checks each; the cases must not share files.
 */
export async function compareCases(cases: Case[], assertEqual: (actual: unknown, expected: unknown, message: string) => void): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const item = cases[next++]!;
      const [gnu, ours] = await Promise.all([runGnu(item.args, item.input), runOurs(item.args, item.input)]);
      const label = JSON.stringify(item.args);
      for (const what of item.compare ?? ['stdout', 'status']) {
        if (what === 'stdout') assertEqual(ours.stdoutBytes.toString('latin1'), gnu.stdoutBytes.toString('latin1'), `${label} stdout (stderr: ${ours.stderr})`);
        if (what === 'sortedStdout') assertEqual(sortedLines(ours.stdout).join('\n'), sortedLines(gnu.stdout).join('\n'), `${label} sorted stdout`);
        if (what === 'stderr') assertEqual(ours.stderr, gnu.stderr, `${label} stderr`);
        if (what === 'status') assertEqual(ours.status, gnu.status, `${label} status (stderr: ${ours.stderr})`);
      }
    }
  };
  await Promise.all([worker(), worker()]);
}

const markName = 'MULTICORE_TEST_PROCESSES';

/**
 * The processes one test starts, known by a mark in the environment it starts them with, which
 * every process they start inherits (the runner, the spawner helper, the jobs and their
 * children), whatever session or process group each puts itself in: GNU parallel and we give
 * every job a group of its own, so ending the runner's group would leave the jobs running.
 * Start them with `env` (runOurs, runGnu and runBoth take it as RunInput.env).
 */
export class TestProcesses {
  readonly env: Record<string, string>;
  readonly #entry: Buffer;
  /** Every pid seen with the mark: each must be gone, or a zombie, before end() returns. */
  readonly #seen = new Set<number>();

  constructor() {
    const mark = `${process.pid}-${randomUUID()}`;
    this.env = { [markName]: mark };
    this.#entry = Buffer.from(`${markName}=${mark}\0`);
  }

  /** The live processes that carry the mark (a zombie carries none: only its status is left). */
  list(): ProcessEntry[] {
    return processTable().filter((entry) => entry.state !== 'Z' && this.#carriesMark(entry.pid));
  }

  /**
   * SIGKILLs every process that carries the mark, again for any it started meanwhile, and waits
   * (up to `timeoutMs`) until each is gone; returns the pids still running then, if any.
   */
  async end(timeoutMs = 10_000): Promise<number[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const entry of this.list()) {
        this.#seen.add(entry.pid);
        killIfThere(entry.pid);
      }
      const running = new Set(processTable().filter((entry) => entry.state !== 'Z').map((entry) => entry.pid));
      const left = [...this.#seen].filter((pid) => running.has(pid));
      if (left.length === 0 && this.list().length === 0) return [];
      if (Date.now() > deadline) return left;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  #carriesMark(pid: number): boolean {
    let environment: Buffer;
    try {
      environment = readFileSync(`/proc/${pid}/environ`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Gone since the table was read, or another user's: not one of ours either way.
      if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES' || code === 'EPERM') return false;
      throw error;
    }
    return environment.subarray(0, this.#entry.length).equals(this.#entry) || environment.includes(Buffer.concat([Buffer.from([0]), this.#entry]));
  }
}

function killIfThere(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error; // it ended meanwhile
  }
}

/**
 * Runs `body` with a fresh TestProcesses and ends every process it marked in a finally, so a
 * failing assertion leaves nothing running (a job that busy-loops would hold a core for good).
 */
export async function withTestProcesses<T>(body: (processes: TestProcesses) => Promise<T>): Promise<T> {
  const processes = new TestProcesses();
  try {
    return await body(processes);
  } finally {
    const left = await processes.end();
    if (left.length > 0) process.emitWarning(`test processes still running after SIGKILL: ${left.join(' ')}`);
  }
}

/**
 * Waits until `condition` holds, checking every 10 ms; fails naming `what` after `timeoutMs`,
 * so that the test's finally still runs (a test's own timeout would leave its body waiting).
 */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until a file exists (a job's sign that it has started), for up to `timeoutMs`. */
export async function waitForFile(file: string, timeoutMs = 60_000): Promise<void> {
  await waitUntil(() => existsSync(file), file, timeoutMs);
}

/** `promise`, or a failure naming `what` if it has not settled within `timeoutMs`. */
export async function within<T>(promise: Promise<T>, what: string, timeoutMs = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A fresh temporary directory, removed by the returned function. */
export function temporaryDirectory(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'multicore-run-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Joblog rows without the columns that vary between runs (Starttime, JobRuntime). */
export function stableJoblog(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const fields = line.split('\t');
      return [fields[0]!, fields[1]!, ...fields.slice(4)];
    });
}

/** Lines in sorted order, for output whose job order is not fixed. */
export function sortedLines(text: string): string[] {
  return text.split('\n').sort();
}

/** File names that break naive quoting. */
export const hostileNames = [
  'plain',
  'two words',
  "it's",
  'say "hi"',
  'dollar $HOME and $(echo injected) and `echo tick`',
  'semi;colon&amp|pipe',
  '-n',
  '--help',
  'back\\slash',
  'tab\there',
  'glob*?[x]',
  'üñíçødé ✓',
  '~tilde',
  "'",
  "''a''",
  '#hash',
  '{braces}',
  'trailing space ',
  ' leading space',
  '!bang',
  'a.b.c',
  '.hidden',
  'dir/sub file.txt',
];
