/**
 * `multicore run` against GNU parallel and `xargs -P`, same number of jobs at once, side by side
 * in one run: jobs per second on 1,000 `true` jobs (the cost of starting a job) and on 200
 * `sleep 0.05` jobs (keeping every slot busy). Each tool reads the same argument lines on stdin
 * and appends them to the same command, so all of them start exactly the same processes' work.
 * Beside the tools, the floors under our rate (bench/run/spawn-floor.mjs) show where a job's
 * time goes, and each run's CPU time (its own and its children's) is read from /proc.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../main.js';
import { rotated } from '../pool/rounds.js';
import { markdownTable, median } from '../table.js';

const jobsAtOnce = 2;
/** Rounds of the job-start workload and its floors, which take a second or two each; 3 of the rest. */
const startRounds = 7;
const rounds = 3;
const targets = { vsParallel: 1, vsXargs: 0.6 };

interface Workload {
  name: string;
  rounds: number;
  /** The command each tool runs; the input line is appended as its last argument. */
  command: string;
  /** One argument per job. */
  argument: string;
  jobs: number;
}

const workloads: Workload[] = [
  { name: '1,000 × `true`', rounds: startRounds, command: 'true', argument: 'x', jobs: 1_000 },
  { name: '200 × `sleep 0.05`', rounds, command: 'sleep', argument: '0.05', jobs: 200 },
];

interface Tool {
  name: string;
  argv(command: string, jobs: number): [string, ...string[]];
  env?: Record<string, string>;
}

// The published CLI (package.json "bin").
const cli = fileURLToPath(new URL('../../dist/bundle/cli.js', import.meta.url));
const floor = fileURLToPath(new URL('../run/spawn-floor.mjs', import.meta.url));

const tools: Tool[] = [
  { name: 'multicore run', argv: (command) => [process.execPath, cli, 'run', '-j', String(jobsAtOnce), command] },
  {
    name: 'multicore run, a child process per job',
    argv: (command) => [process.execPath, cli, 'run', '-j', String(jobsAtOnce), command],
    env: { MULTICORE_RUN_SPAWNER: 'node' },
  },
  { name: 'GNU parallel', argv: (command) => ['parallel', '--will-cite', '-j', String(jobsAtOnce), command] },
  { name: `xargs -P`, argv: (command) => ['xargs', '-P', String(jobsAtOnce), '-n', '1', command] },
];

/** `{%}` (the job's slot) in the command makes the runner start each job itself, as a slot frees. */
const fromTheRunner: Tool = {
  name: 'multicore run, each job started from the runner (no queue in the helper: `{%}` in the command)',
  argv: (command) => [process.execPath, cli, 'run', '-j', String(jobsAtOnce), `${command} {} {%}`],
};

/** The floors: `true x` jobs started with nothing around them (they ignore the input lines). */
const floors: Tool[] = [
  ['perl-fork', 'Perl fork + setsid + exec /bin/sh -c (the helper, no protocol)'],
  ['node-sh-pipes', 'Node spawn /bin/sh -c, detached, stdout/stderr piped'],
  ['node-sh-ignore', 'Node spawn /bin/sh -c, stdio ignored'],
  ['node-exec-ignore', 'Node spawn `true` itself, stdio ignored'],
].map(([mode, name]) => ({ name: name!, argv: (_command, jobs) => [process.execPath, floor, mode!, String(jobs), String(jobsAtOnce)] }));

/** CPU seconds of the children we have waited for (theirs and their descendants'), Linux only. */
function childrenCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat (cutime, cstime), counted from the state field (3): in clock ticks.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

interface Measure {
  rate: number;
  /** CPU milliseconds per job, the tool's and its jobs' together. */
  cpuMsPerJob: number | undefined;
}

/** Runs one tool over one workload: jobs per second (wall time, start to exit) and CPU per job. */
function measure(tool: Tool, workload: Workload): Promise<Measure> {
  const [file, ...args] = tool.argv(workload.command, workload.jobs);
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuSeconds();
    const started = performance.now();
    const child = spawn(file, args, { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, ...tool.env } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const seconds = (performance.now() - started) / 1000;
      const cpuAfter = childrenCpuSeconds();
      const cpuMsPerJob = cpuBefore === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpuBefore) * 1000) / workload.jobs;
      if (status !== 0) reject(new Error(`${tool.name} exited with ${String(status)}: ${stderr}`));
      else resolve({ rate: workload.jobs / seconds, cpuMsPerJob });
    });
    child.stdin.on('error', () => {}); // the floors read no input
    child.stdin.end(`${workload.argument}\n`.repeat(workload.jobs));
  });
}

/** Medians over rounds, the tools rotated each round so that a slow spell is shared out. */
async function measureAll(list: Tool[], workload: Workload): Promise<Map<string, { rate: number; cpuMsPerJob: number | undefined }>> {
  const results = new Map<string, Measure[]>(list.map((tool) => [tool.name, []]));
  for (let round = 0; round < workload.rounds; round++) {
    for (const tool of rotated(list, round)) {
      const result = await measure(tool, workload);
      results.get(tool.name)!.push(result);
      console.log(`${workload.name}, round ${round + 1}: ${tool.name} ${format(result.rate)} jobs/s`);
    }
  }
  return new Map([...results].map(([name, measures]) => {
    const cpu = measures.map((m) => m.cpuMsPerJob).filter((ms): ms is number => ms !== undefined);
    return [name, { rate: median(measures.map((m) => m.rate)), cpuMsPerJob: cpu.length === 0 ? undefined : median(cpu) }];
  }));
}

const cpuCell = (ms: number | undefined) => (ms === undefined ? 'n/a' : ms.toFixed(2));

/** `--pipe`: the same 1 GB file of lines counted by `wc -l` in 1 MB blocks, two at once. */
const pipeBytes = 1_000_000_000;

const pipeTools: { name: string; argv(file: string): [string, ...string[]]; stdin: boolean }[] = [
  { name: 'multicore run --pipe', argv: () => [process.execPath, cli, 'run', '--pipe', '-j', String(jobsAtOnce), 'wc', '-l'], stdin: true },
  { name: 'GNU parallel --pipe', argv: () => ['parallel', '--will-cite', '--pipe', '-j', String(jobsAtOnce), 'wc', '-l'], stdin: true },
  { name: 'GNU parallel --pipepart', argv: (file) => ['parallel', '--will-cite', '--pipepart', '-a', file, '-j', String(jobsAtOnce), 'wc', '-l'], stdin: false },
];

function writePipeInput(): string {
  const file = path.join(tmpdir(), `multicore-bench-pipe-${process.pid}.txt`);
  const fd = openSync(file, 'w');
  const block = Buffer.from('a line of text for the pipe benchmark, 48 bytes\n'.repeat(20_000));
  for (let written = 0; written < pipeBytes; written += block.length) writeSync(fd, block, 0, Math.min(block.length, pipeBytes - written));
  closeSync(fd);
  return file;
}

/** Seconds one tool takes over the file; checks that the counts add up to every line. */
function measurePipe(tool: (typeof pipeTools)[number], file: string): Promise<number> {
  const [command, ...args] = tool.argv(file);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const stdin = tool.stdin ? openSync(file, 'r') : 'ignore';
    const child = spawn(command, args, { stdio: [stdin, 'pipe', 'inherit'] });
    let counts = '';
    child.stdout!.on('data', (chunk: Buffer) => (counts += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      if (typeof stdin === 'number') closeSync(stdin);
      const lines = counts.split('\n').filter((line) => line !== '').reduce((sum, line) => sum + Number(line), 0);
      if (status !== 0 || lines !== Math.floor(pipeBytes / 48)) reject(new Error(`${tool.name}: status ${String(status)}, ${lines} lines`));
      else resolve((performance.now() - started) / 1000);
    });
  });
}

async function pipeTable(): Promise<string> {
  const file = writePipeInput();
  try {
    const seconds = new Map<string, number[]>(pipeTools.map((tool) => [tool.name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const tool of rotated(pipeTools, round)) {
        const time = await measurePipe(tool, file);
        seconds.get(tool.name)!.push(time);
        console.log(`--pipe 1 GB, round ${round + 1}: ${tool.name} ${time.toFixed(2)} s`);
      }
    }
    const rows = pipeTools.map((tool) => {
      const time = median(seconds.get(tool.name)!);
      return [tool.name, time.toFixed(2), (pipeBytes / 1e6 / time).toFixed(0)];
    });
    return markdownTable(['tool', 'seconds', 'MB/s'], rows);
  } finally {
    rmSync(file, { force: true });
  }
}

const format = (rate: number) => rate.toFixed(0);
const ratio = (value: number) => `${value.toFixed(2)}×`;

export const scenario: Scenario = {
  name: 'run',
  title: '`multicore run` against GNU parallel and xargs -P',
  async run() {
    const load = os.loadavg()[0]!.toFixed(2);
    const rows: (string | number)[][] = [];
    for (const workload of workloads) {
      const results = await measureAll(tools, workload);
      const rate = (name: string) => results.get(name)!.rate;
      const ours = rate('multicore run');
      const parallel = rate('GNU parallel');
      const xargs = rate('xargs -P');
      rows.push([
        workload.name,
        format(ours),
        format(rate('multicore run, a child process per job')),
        format(parallel),
        format(xargs),
        `${ratio(ours / parallel)} (target ≥ ${ratio(targets.vsParallel)})`,
        `${ratio(ours / xargs)} (target ≥ ${ratio(targets.vsXargs)})`,
        tools.map((tool) => cpuCell(results.get(tool.name)!.cpuMsPerJob)).join(' / '),
      ]);
    }
    const table = markdownTable(
      ['workload', 'multicore run jobs/s', 'child process per job', 'GNU parallel jobs/s', 'xargs -P jobs/s', 'vs GNU parallel', 'vs xargs -P',
        'CPU ms per job (the four, in order)'],
      rows,
    );
    const trueJobs = workloads[0]!;
    const floorResults = await measureAll([tools[0]!, fromTheRunner, tools[1]!, ...floors, tools[3]!], trueJobs);
    const xargsRate = floorResults.get('xargs -P')!.rate;
    const floorRows = [...floorResults].map(([name, result]) => [name, format(result.rate), ratio(result.rate / xargsRate), cpuCell(result.cpuMsPerJob)]);
    const floorTable = markdownTable(['how 1,000 `true x` jobs are started, 2 at a time', 'jobs/s', 'vs xargs -P', 'CPU ms per job'], floorRows);
    return `${jobsAtOnce} jobs at once (\`-j ${jobsAtOnce}\`, \`-P ${jobsAtOnce}\`), the argument lines on stdin, output discarded; ` +
      `median of ${startRounds} rounds (${rounds} for \`sleep\`), the tools taking turns to go first. One-minute load average ${load} at the start: ` +
      'the machine is shared with other work and noisy, so rates move by half from one run to the next; ' +
      'CPU time (user + system, the tool\'s and its jobs\', read from /proc) moves much less and is given beside them.\n\n' +
      `${table}\n\n` +
      'Where a job\'s time goes, in the same run: the floors below start the same `true x` jobs with nothing ' +
      'around them (bench/run/spawn-floor.mjs). `multicore run` starts its jobs through a Perl helper that forks ' +
      'them, and hands it the next jobs ahead of a free slot so that it starts one the moment another ends; ' +
      'the second row starts each job from the runner as a slot frees, the third a child process of ours per job ' +
      '(MULTICORE_RUN_SPAWNER=node).\n\n' +
      `${floorTable}\n\n` +
      `\`--pipe\`: a 1 GB file of 48-byte lines counted by \`wc -l\` in 1 MB blocks, ${jobsAtOnce} at once ` +
      `(\`--pipepart\` reads the file itself, the others read it on stdin); median of ${rounds} rounds.\n\n${await pipeTable()}\n`;
  },
};
