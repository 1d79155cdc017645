/**
 * Runs the test files under Bun (`bun test`) and Deno (`deno test`), which both implement
 * node:test, one process per file, two at a time. Prints a line per file and a summary with the
 * tests each runtime skips and why. Exit code 1 when any file fails under any runtime.
 *
 * Usage: tsx test/runtimes/run-suite.ts [--runtime bun|deno]... [--core] [test files...]
 *
 * --core runs only the library's own suites (coreDirs), for a quicker check; .ci/run runs every
 * file (docs/runtimes.md, "The suite under each runtime").
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { processTable } from '../process-table.js';
import { repoRoot, runtimeBinary, type OtherRuntime } from './runtimes.js';
import { reasons, skipMarker } from './support.js';

/** These test files run under Node and start Bun and Deno themselves: run from Bun or Deno they would add nothing. */
const driversDir = 'test/runtimes/';

/** Whole files a runtime cannot run, and why; printed with the other skips. */
const bunRedis = reasons.bunRedis;
const unsupportedFiles: Record<OtherRuntime, Record<string, string>> = {
  bun: {
    'test/redis/concurrent-tasks.test.ts': `${bunRedis}; \`multicore worker\` is refused too`,
    'test/redis/errors.test.ts': bunRedis,
    'test/redis/methods.test.ts': bunRedis,
    'test/redis/reliability.test.ts': bunRedis,
    'test/redis/security.test.ts': bunRedis,
    'test/redis/hostile.test.ts': bunRedis,
    'test/redis/signed.test.ts': bunRedis,
    'test/redis/outage.test.ts': `${bunRedis}; \`multicore worker\` is refused too`,
    'test/redis/wire.test.ts': "it writes Redis payloads with node:v8's serialize(), which on Bun writes JavaScriptCore's format, not the V8 format the Redis wire carries",
  },
  deno: {},
};

/** The library itself: pools, scheduling, tasks, shared memory, the backends and the tools. */
const coreDirs = ['test/backends/', 'test/pool/', 'test/scheduling/', 'test/shared/', 'test/tasks/', 'test/tools/'];

const perFileTimeoutMs = 240_000;
const parallel = 2;

interface FileResult {
  runtime: OtherRuntime;
  file: string;
  passed: number;
  failed: number;
  skipped: number;
  ok: boolean;
  seconds: number;
  skips: string[];
  output: string;
}

function testFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? testFiles(path) : name.endsWith('.test.ts') ? [path] : [];
    })
    .sort();
}

function command(runtime: OtherRuntime, file: string): [string, string[]] {
  return runtime === 'bun'
    ? [runtimeBinary('bun'), ['test', '--timeout=120000', `./${relative(repoRoot, file)}`]]
    : // Type checking is `npm run typecheck`'s job; sloppy imports let `./x.js` name the `x.ts` beside it, as tsx does.
      [runtimeBinary('deno'), ['test', '-A', '--no-check', '--sloppy-imports', relative(repoRoot, file)]];
}

/** The pass/fail/skip counts from a runner's closing lines. */
function counts(runtime: OtherRuntime, output: string): { passed: number; failed: number; skipped: number } {
  const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? 0);
  if (runtime === 'bun') return { passed: number(/^ *(\d+) pass$/m), failed: number(/^ *(\d+) fail$/m), skipped: number(/^ *(\d+) skip$/m) };
  const summary = /^(?:ok|FAILED) \| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed(?: \((\d+) steps?\))?(?: \| (\d+) ignored(?: \((\d+) steps?\))?)?/m.exec(output);
  if (summary === null) return { passed: 0, failed: 0, skipped: 0 };
  // Deno counts a describe() as a test and its it()s as steps; count the it()s like the others do.
  const [, tests, passedSteps, failed, failedSteps, ignored, ignoredSteps] = summary.map((value) => Number(value ?? 0));
  const steps = passedSteps! + failedSteps! + ignoredSteps! > 0;
  return steps ? { passed: passedSteps!, failed: failedSteps!, skipped: ignoredSteps! } : { passed: tests!, failed: failed!, skipped: ignored! };
}

/** How long a file's output may take to drain once its runner exited (a grandchild may hold the pipe). */
const drainMs = 2000;

/** The live processes of process group `group` (Linux: from /proc; elsewhere none are found). */
function groupMembers(group: number): { pid: number; command: string }[] {
  if (process.platform !== 'linux') return [];
  return processTable()
    .filter((entry) => entry.pgrp === group && entry.state !== 'Z')
    .map((entry) => {
      let command = entry.comm;
      try {
        command = readFileSync(`/proc/${entry.pid}/cmdline`, 'utf8').split('\0').join(' ').trim() || command;
      } catch {
        // gone meanwhile: the short name will do
      }
      return { pid: entry.pid, command };
    });
}

function killGroup(group: number): void {
  try {
    process.kill(-group, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Runs one file in a process group of its own, so that what it leaves behind (a redis-server, a
 * `multicore worker`) can be found and ended: such leftovers fail the file, as they would under
 * Node's own checks, and can never keep this runner waiting on a pipe they hold open.
 */
function runFile(runtime: OtherRuntime, file: string): Promise<FileResult> {
  const started = Date.now();
  const [binary, args] = command(runtime, file);
  return new Promise((resolve) => {
    const child = spawn(binary, args, { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      output += `\n[run-suite] killed after ${perFileTimeoutMs / 1000} s\n`;
      killGroup(child.pid!);
    }, perFileTimeoutMs);
    let finished = false;
    const finish = (code: number | null) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      const { passed, failed, skipped } = counts(runtime, output);
      const skips = [...new Set(output.split('\n').filter((line) => line.includes(skipMarker)).map((line) => line.slice(line.indexOf(skipMarker) + skipMarker.length).trim()))];
      resolve({ runtime, file, passed, failed, skipped, ok: code === 0 && failed === 0 && !timedOut, seconds: (Date.now() - started) / 1000, skips, output });
    };
    child.on('exit', (code) => {
      const leftovers = groupMembers(child.pid!);
      if (leftovers.length > 0) {
        output += `\n[run-suite] the file left ${leftovers.length} process(es) behind, now killed:\n${leftovers.map(({ pid, command }) => `  ${pid} ${command}`).join('\n')}\n`;
        killGroup(child.pid!);
      }
      const exitCode = leftovers.length > 0 ? 1 : code;
      // Output still buffered in the pipes arrives before 'close'; a process outside the group
      // that holds them open must not hold this runner too.
      const drained = setTimeout(() => finish(exitCode), drainMs);
      child.once('close', () => {
        clearTimeout(drained);
        finish(exitCode);
      });
    });
    child.on('error', (error) => {
      output += `\n[run-suite] could not start ${binary}: ${error.message}\n`;
      finish(null);
    });
  });
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { runtime: { type: 'string', multiple: true }, core: { type: 'boolean' } } });
  const runtimes = (values.runtime ?? ['bun', 'deno']) as OtherRuntime[];
  const inScope = (name: string) => !name.startsWith(driversDir) && (values.core !== true || coreDirs.some((dir) => name.startsWith(dir)));
  const files = positionals.length > 0 ? positionals.map((file) => join(repoRoot, file)) : testFiles(join(repoRoot, 'test')).filter((file) => inScope(relative(repoRoot, file)));
  if (positionals.length === 0) console.log(`${driversDir}*.test.ts run under Node (npm test) and start Bun and Deno themselves; not run again here.`);
  if (values.core === true) console.log(`--core: only ${coreDirs.join(', ')}; the rest of the suite runs under Node (npm test).`);
  const started = Date.now();
  const jobs = runtimes.flatMap((runtime) => files.map((file) => ({ runtime, file })));
  const results: FileResult[] = [];
  const wholeFiles: string[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < jobs.length) {
      const { runtime, file } = jobs[next++]!;
      const name = relative(repoRoot, file);
      const reason = unsupportedFiles[runtime][name];
      if (reason !== undefined) {
        wholeFiles.push(`${runtime}: ${name} (whole file) :: ${reason}`);
        console.log(`skip ${runtime.padEnd(4)} ${name}: ${reason}`);
        continue;
      }
      const result = await runFile(runtime, file);
      results.push(result);
      console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${runtime.padEnd(4)} ${name}  ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped (${result.seconds.toFixed(1)} s)`);
      if (!result.ok) console.log(result.output.split('\n').map((line) => `    | ${line}`).join('\n'));
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker));

  console.log('\nSkipped, and why:');
  for (const line of wholeFiles) console.log(`  ${line}`);
  for (const result of results) for (const skip of result.skips) console.log(`  ${result.runtime}: ${relative(repoRoot, result.file)}: ${skip}`);
  for (const runtime of runtimes) {
    const mine = results.filter((result) => result.runtime === runtime);
    const sum = (key: 'passed' | 'failed' | 'skipped') => mine.reduce((total, result) => total + result[key], 0);
    const failedFiles = mine.filter((result) => !result.ok).length;
    const seconds = mine.reduce((total, result) => total + result.seconds, 0);
    console.log(`${runtime}: ${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped in ${mine.length} files (${failedFiles} failing), ${seconds.toFixed(0)} s of file time`);
  }
  console.log(`wall time ${((Date.now() - started) / 1000).toFixed(0)} s, ${parallel} files at a time`);
  const passed = results.reduce((total, result) => total + result.passed, 0);
  const failed = results.reduce((total, result) => total + result.failed, 0) + results.filter((result) => !result.ok && result.failed === 0).length;
  const skipped = results.reduce((total, result) => total + result.skipped, 0);
  console.log(`runtimes: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
