/**
 * `multicore run` against GNU parallel and `xargs -P`, same number of jobs at once, side by side
 * in one run: jobs per second on 2,000 `true` jobs (the cost of starting a job) and on 200
 * `sleep 0.05` jobs (keeping every slot busy). Each tool reads the same argument lines on stdin
 * and appends them to the same command, so all three start exactly the same processes' work.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../main.js';
import { markdownTable, median } from '../table.js';

const jobsAtOnce = 2;
const rounds = 3;
const targets = { vsParallel: 1, vsXargs: 0.6 };

interface Workload {
  name: string;
  /** The command each tool runs; the input line is appended as its last argument. */
  command: string;
  /** One argument per job. */
  argument: string;
  jobs: number;
}

const workloads: Workload[] = [
  { name: '2,000 × `true`', command: 'true', argument: 'x', jobs: 2_000 },
  { name: '200 × `sleep 0.05`', command: 'sleep', argument: '0.05', jobs: 200 },
];

interface Tool {
  name: string;
  argv(command: string): [string, ...string[]];
}

const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

const tools: Tool[] = [
  { name: 'multicore run', argv: (command) => [process.execPath, cli, 'run', '-j', String(jobsAtOnce), command] },
  { name: 'GNU parallel', argv: (command) => ['parallel', '--will-cite', '-j', String(jobsAtOnce), command] },
  { name: `xargs -P`, argv: (command) => ['xargs', '-P', String(jobsAtOnce), '-n', '1', command] },
];

/** Runs one tool over one workload and returns jobs per second (wall time, start to exit). */
function measure(tool: Tool, workload: Workload): Promise<number> {
  const [file, ...args] = tool.argv(workload.command);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const seconds = (performance.now() - started) / 1000;
      if (status !== 0) reject(new Error(`${tool.name} exited with ${String(status)}: ${stderr}`));
      else resolve(workload.jobs / seconds);
    });
    child.stdin.end(`${workload.argument}\n`.repeat(workload.jobs));
  });
}

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
      for (let i = 0; i < pipeTools.length; i++) {
        const tool = pipeTools[(round + i) % pipeTools.length]!;
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
    const rows: (string | number)[][] = [];
    for (const workload of workloads) {
      const rates = new Map<string, number[]>(tools.map((tool) => [tool.name, []]));
      for (let round = 0; round < rounds; round++) {
        // A different tool goes first each round, so a slow spell of the machine is shared out.
        for (let i = 0; i < tools.length; i++) {
          const tool = tools[(round + i) % tools.length]!;
          const rate = await measure(tool, workload);
          rates.get(tool.name)!.push(rate);
          console.log(`${workload.name}, round ${round + 1}: ${tool.name} ${format(rate)} jobs/s`);
        }
      }
      const [ours, parallel, xargs] = tools.map((tool) => median(rates.get(tool.name)!)) as [number, number, number];
      rows.push([
        workload.name,
        format(ours),
        format(parallel),
        format(xargs),
        `${ratio(ours / parallel)} (target ≥ ${ratio(targets.vsParallel)})`,
        `${ratio(ours / xargs)} (target ≥ ${ratio(targets.vsXargs)})`,
      ]);
    }
    const table = markdownTable(
      ['workload', 'multicore run jobs/s', 'GNU parallel jobs/s', 'xargs -P jobs/s', 'vs GNU parallel', 'vs xargs -P'],
      rows,
    );
    return `${jobsAtOnce} jobs at once (\`-j ${jobsAtOnce}\`, \`-P ${jobsAtOnce}\`), the argument lines on stdin, output discarded; ` +
      `median of ${rounds} rounds, the tools taking turns to go first.\n\n${table}\n\n` +
      `\`--pipe\`: a 1 GB file of 48-byte lines counted by \`wc -l\` in 1 MB blocks, ${jobsAtOnce} at once ` +
      `(\`--pipepart\` reads the file itself, the others read it on stdin); median of ${rounds} rounds.\n\n${await pipeTable()}\n`;
  },
};
