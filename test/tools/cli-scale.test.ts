import { test } from 'node:test';
import { multicore } from '../helpers.js';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScalingReport } from '../../dist/index.js';
import { main as scaleMain } from '../../dist/cli/scale.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

const work = fileURLToPath(new URL('../fixtures/scale-work.mjs', import.meta.url));
const quick = ['--items', '4', '--max-workers', '2', '--repeat', '1'];

test('multicore scale --help lists the options; multicore --help lists the command', async () => {
  const help = await multicore('scale', '--help');
  assert.equal(help.code, 0);
  for (const flag of ['<module>#<export>', '--items N', '--max-workers N', '--repeat R', '--backend NAME', '--svg FILE', '--json', '--demo']) {
    assert.ok(help.stdout.includes(flag), flag);
  }
  const usage = await multicore('--help');
  assert.match(usage.stdout, /^ {2}scale +speedup at 1, 2, \.\.\. workers/m);
});

test('multicore scale <module>#<export> --json prints one report per workload, and no progress bar off a TTY', async () => {
  const { code, stdout, stderr } = await multicore('scale', `${work}#spinBriefly`, ...quick, '--json');
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
  const reports = JSON.parse(stdout) as ScalingReport[];
  assert.equal(reports.length, 1);
  const [report] = reports;
  assert.deepEqual(Object.keys(report!), ['name', 'items', 'usableCores', 'points', 'amdahl']);
  assert.equal(report!.name, 'spinBriefly');
  assert.equal(report!.items, 4);
  assert.deepEqual(report!.points.map((point) => point.workers), [1, 2]);
  assert.deepEqual(Object.keys(report!.points[1]!), ['workers', 'seconds', 'runs', 'speedup', 'efficiency', 'karpFlatt']);
  assert.equal(report!.points[1]!.runs.length, 1);
});

test('multicore scale prints the table, the Amdahl fit and the chart, and writes the SVG', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'multicore-scale-'));
  try {
    const svgPath = join(dir, 'chart.svg');
    const { code, stdout, stderr } = await multicore('scale', `${work}#spinBriefly`, ...quick, '--svg', svgPath);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    assert.match(stdout, /^spinBriefly: 4 items, fastest of 1 run per worker count, \d+ usable cores$/m);
    assert.match(stdout, /^workers +time +speedup +efficiency +Karp-Flatt$/m);
    assert.match(stdout, /^ +1 +\S+ [mµn]?s +1\.00× +100% +-$/m);
    assert.match(stdout, /^ +2 +\S+ [mµn]?s +\d+\.\d\d× +\d+% +-?\d+\.\d{3}$/m);
    assert.match(stdout, /^Amdahl fit /m);
    assert.match(stdout, /● spinBriefly {3}· ideal/);
    assert.ok(stdout.trimEnd().endsWith(`Chart written to ${svgPath}`));
    const svg = await readFile(svgPath, 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, />Speedup of spinBriefly<\/text>/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('multicore scale --demo measures the three built-in workloads', async () => {
  const { code, stdout, stderr } = await multicore('scale', '--demo', '--items', '2', '--max-workers', '2', '--repeat', '1', '--json');
  assert.equal(code, 0, stderr);
  const reports = JSON.parse(stdout) as ScalingReport[];
  assert.deepEqual(reports.map((report) => report.name), ['cpu-bound', 'memory-bound mean', 'cpu-bound + serial part']);
  for (const report of reports) assert.deepEqual(report.points.map((point) => point.workers), [1, 2]);
});

test('multicore scale: usage errors exit 2 naming the problem, a missing export exits 1', async () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /give the work to measure as <module>#<export>, or --demo/],
    [['tasks.mjs'], /must be given as <module>#<export>/],
    [['a.mjs#x', 'b.mjs#y'], /give one <module>#<export>, got 2/],
    [['--demo', 'a.mjs#x'], /either --demo or <module>#<export>/],
    [[`${work}#spinBriefly`, '--items', '0'], /--items must be a whole number >= 1, got '0'/],
    [[`${work}#spinBriefly`, '--max-workers', 'many'], /--max-workers must be a whole number/],
    [['--demo', '--fast'], /unknown option '--fast'\./],
    [['--demo', '--item', '3'], /unknown option '--item'\. Did you mean '--items'\?/],
    [['--demo', '--items', '-5'], /--items must be a whole number >= 1, got '-5'/],
    [['--demo', '--repeat', '-1'], /--repeat must be a whole number >= 1, got '-1'/],
    [['--demo', '--items'], /--items needs a value/],
    [['--demo', '--backend', 'fiber'], /--backend must be 'thread' or 'process', got 'fiber'/],
    [['--demo', '--svg', '/no/such/folder/chart.svg'], /--svg \/no\/such\/folder\/chart\.svg cannot be written: the folder \/no\/such\/folder does not exist/],
    [['--demo', '--svg', '.'], /--svg \. is a directory/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await multicore('scale', ...args);
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, message);
    assert.match(stderr, /Run 'multicore scale --help' for usage\./);
  }
  assert.doesNotMatch((await multicore('scale', '--demo', '--items', '-5')).stderr, /ambiguous/);
  const missing = await multicore('scale', `${work}#noSuchExport`, ...quick);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^multicore scale: .*noSuchExport/);
});

test('the progress bar is drawn on stderr when it is a TTY, and not with --json', async (t) => {
  const written: string[] = [];
  const wasTTY = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true, writable: true });
  t.after(() => {
    if (wasTTY === undefined) delete (process.stderr as { isTTY?: boolean }).isTTY;
    else Object.defineProperty(process.stderr, 'isTTY', wasTTY);
  });
  t.mock.method(process.stderr, 'write', (text: string) => written.push(text) > 0);
  const log = t.mock.method(console, 'log', () => {});

  assert.equal(await scaleMain([`${work}#spinBriefly`, ...quick]), 0);
  assert.ok(written.length >= 3, 'drawn before and after each of the 2 runs');
  assert.match(written[0]!, /^\r\x1b\[2K\[░{30}\] 0\/2 {2}spinBriefly: 1 worker$/);
  assert.match(written.at(-2)!, /^\r\x1b\[2K\[█{30}\] 2\/2 {2}spinBriefly: 2 workers$/);
  assert.equal(written.at(-1), '\r\x1b[2K', 'erased before the table is printed');
  assert.ok(log.mock.calls.length > 0);

  written.length = 0;
  assert.equal(await scaleMain([`${work}#spinBriefly`, ...quick, '--json']), 0);
  assert.deepEqual(written, []);
});

const outsideTsx = 'multicore scale ./tasks.ts#f outside tsx says to run it under tsx; under NODE_OPTIONS=--import tsx it runs';
test(outsideTsx, { skip: unsupportedOn({ bun: reasons.nativeTypeScript, deno: reasons.nativeTypeScript }, outsideTsx) }, async () => {
  const tsTasks = fileURLToPath(new URL('../fixtures/tasks-ts.ts', import.meta.url));
  const plain = await multicore('scale', `${tsTasks}#norm`, ...quick);
  assert.equal(plain.code, 1);
  assert.match(plain.stderr, /tasks-ts\.ts is TypeScript, which this node cannot import\. Run multicore under tsx: NODE_OPTIONS='--import tsx' npx multicore scale /);
  const { code, stdout, stderr } = await multicore('scale', `${tsTasks}#norm`, ...quick, '--json', { env: { NODE_OPTIONS: '--import tsx' } });
  assert.equal(code, 0, stderr);
  assert.equal((JSON.parse(stdout) as Array<{ name: string }>)[0]!.name, 'norm');
});
