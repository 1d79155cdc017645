/**
 * Start-up, measured in fresh processes side by side in one run (issue 19): `import` of each pool
 * library alone, import + new pool + first result, where multicore's import time goes (a CPU
 * profile), and the process backend against Python's multiprocessing.Pool: new pool to first
 * result, and map with chunksize 1 per item in wall and CPU time. multicore is the package as
 * published (dist/bundle/, a few chunks: docs/architecture.md, "What users load"); beside it run
 * the same code as tsc's per-file modules (dist/, as it was published before the bundle), and
 * bundled by an app into one file with its worker entry beside it (docs/runtimes.md, "Bundlers").
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { Scenario } from '../main.js';
import { firstResultContenders, measureFirstResult, type FirstResult } from '../pool/first-result.js';
import { rotated } from '../pool/rounds.js';
import { profileCategories, profileImport, type ProfileCategory } from '../startup/cpu-profile.js';
import { staticModuleClosure } from '../startup/module-graph.js';
import { markdownTable, median } from '../table.js';

const run = promisify(execFile);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const importOnly = here('../startup/import-only.mjs');
const processPool = here('../startup/process-pool.mjs');
const pythonPool = here('../startup/python_pool_startup.py');
const workerBuiltins = here('../startup/worker-builtins.mjs');
/** The loader hook the tests use to list loaded modules (test/pool/lazy-loading.test.ts). */
const recordLoads = here('../../test/fixtures/record-loads.mjs');
const packageRoot = here('../../');
const bundled = 'multicore, bundled by an app into one file';
const perFile = 'multicore, per-file modules (before)';
const perFileUrl = pathToFileURL(join(packageRoot, 'dist/index.js')).href;

// More runs than the other scenarios: the differences sought are a few ms on a shared machine.
const importRuns = 15;
const firstResultRuns = 11;
const processRounds = 3;
const libraries = ['multicore', 'tinypool', 'piscina', 'workerpool', 'poolifier'] as const;
const targets = { importMs: 15, processFirstVsPython: 2 };

interface ImportFigures {
  importMs: number;
  importCpuMs: number;
  fromProcessStart: number;
  /** Node's built-in modules the import loaded. */
  builtins: number;
}

interface ProcessFigures {
  firstResultMs: number;
  mapChunk1Us: number;
  mapChunk1CpuUs: number;
}

async function json<T>(file: string, args: string[]): Promise<T> {
  const { stdout } = await run(file, args, { timeout: 120_000, killSignal: 'SIGKILL' });
  return JSON.parse(stdout) as T;
}

interface ModuleCount {
  /** File modules loaded in all, node: built-ins aside. */
  all: number;
  /** multicore's own files among them. */
  ours: number;
  /** The source modules those files hold (one each per file, or many in a bundle's chunk, by its source map). */
  sources: number;
}

/** The source modules in multicore's files, from their source maps. */
function sourcesIn(files: string[]): number {
  return files.reduce((sum, file) => sum + (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources.length, 0);
}

/** Every file module a fresh import of `specifier` loads, and how many of them are multicore's own. */
function countModules(specifier: string): Promise<ModuleCount> {
  const dir = mkdtempSync(join(tmpdir(), 'multicore-loads-'));
  const recordTo = join(dir, 'loaded');
  return run(process.execPath, ['--import', recordLoads, importOnly, specifier], { env: { ...process.env, RECORD_LOADS_TO: recordTo }, timeout: 60_000 })
    .then(() => {
      const urls = readFileSync(recordTo, 'utf8').split('\n').filter(Boolean);
      const ours = urls.filter((url) => url.includes('/dist/')).map((url) => fileURLToPath(url));
      // Minus import-only.mjs itself.
      return { all: urls.length - 1, ours: ours.length, sources: sourcesIn(ours) };
    })
    .finally(() => rmSync(dir, { recursive: true, force: true }));
}

interface Bundle {
  url: string;
  /** The bundle's size, and how much of it is acorn (which the package loads only for inline functions). */
  bytes: number;
  acornBytes: number;
}

/**
 * multicore and its worker entry bundled as an app would (docs/runtimes.md, "Bundlers"), the
 * optional Redis clients left out.
 */
async function bundleMulticore(outdir: string): Promise<Bundle> {
  const { metafile } = await build({
    entryPoints: { multicore: 'multicore', 'multicore-worker': 'multicore/worker-entry' },
    absWorkingDir: packageRoot,
    bundle: true,
    platform: 'node',
    format: 'esm',
    outdir,
    outExtension: { '.js': '.mjs' },
    external: ['bullmq', 'ioredis'],
    logLevel: 'error',
    metafile: true,
  });
  const output = Object.entries(metafile.outputs).find(([file]) => file.endsWith('multicore.mjs'))![1];
  const acornBytes = Object.entries(output.inputs).reduce((sum, [file, input]) => sum + (file.includes('node_modules/acorn/') ? input.bytesInOutput : 0), 0);
  return { url: pathToFileURL(join(outdir, 'multicore.mjs')).href, bytes: output.bytes, acornBytes };
}

const ms = (value: number) => value.toFixed(1);
const pick = <T>(runs: T[], key: keyof T) => median(runs.map((r) => r[key] as number));

export const scenario: Scenario = {
  name: 'startup',
  title: 'Start-up: import, first result, process pool vs Python',
  async run() {
    const loadBefore = loadavg()[0]!;
    const bundleDir = mkdtempSync(join(tmpdir(), 'multicore-bundle-'));
    const bundle = await bundleMulticore(bundleDir);
    const bundleUrl = bundle.url;
    const urls = new Map([
      [bundled, bundleUrl],
      [perFile, perFileUrl],
    ]);
    const specifierOf = (name: string) => urls.get(name) ?? name;
    // 1. import alone, and a bare node for the floor.
    const imports = new Map<string, ImportFigures[]>([['nothing', []], ...[...libraries, perFile, bundled].map((name) => [name, []] as [string, ImportFigures[]])]);
    const firsts = new Map<string, FirstResult[]>([...firstResultContenders, perFile, bundled].map((name) => [name, []]));
    try {
      for (let i = 0; i < importRuns; i++) {
        for (const name of rotated([...imports.keys()], i)) imports.get(name)!.push(await json<ImportFigures>(process.execPath, [importOnly, specifierOf(name)]));
      }
      // 2. import + new pool + first result (bench/pool/first-result.mjs, as in the pool scenario).
      for (let i = 0; i < firstResultRuns; i++) {
        for (const name of rotated([...firsts.keys()], i)) {
          const url = urls.get(name);
          firsts.get(name)!.push(await (url === undefined ? measureFirstResult(name) : measureFirstResult('multicore-bundled', undefined, url)));
        }
      }
    } finally {
      rmSync(bundleDir, { recursive: true, force: true });
    }
    const modules = await countModules('multicore');
    const perFileModules = await countModules(perFileUrl);
    const workerFiles = staticModuleClosure(join(packageRoot, 'dist/bundle/worker.js'));
    const perFileWorker = staticModuleClosure(join(packageRoot, 'dist/backends/thread/worker.js')).length;
    const workerLoads = { multicore: await json<{ builtins: number }>(process.execPath, [workerBuiltins, 'multicore']), tinypool: await json<{ builtins: number }>(process.execPath, [workerBuiltins, 'tinypool']) };
    console.log(`import 'multicore' loads ${modules.ours} of multicore's files (${modules.sources} source modules) and ${modules.all - modules.ours} other file modules; a thread worker ${workerFiles.length}`);

    // 3. Where the import goes: one profile per run of the import, medians per category, the package and its per-file build interleaved.
    const profiles: Map<ProfileCategory, number>[] = [];
    const perFileProfiles: Map<ProfileCategory, number>[] = [];
    for (let i = 0; i < 3; i++) {
      profiles.push(await profileImport('multicore'));
      perFileProfiles.push(await profileImport(perFileUrl));
    }

    // 4. Process pools: ours with and without tsx in the children, Python's.
    const pools = new Map<string, ProcessFigures[]>([
      ['multicore, processes', []],
      ['multicore, processes, children under tsx', []],
      ['Python multiprocessing.Pool', []],
    ]);
    const nodeStarts = new Map<string, ImportFigures[]>([['node', []], ['node --import tsx', []]]);
    for (let round = 0; round < processRounds; round++) {
      pools.get('multicore, processes')!.push(await json<ProcessFigures>(process.execPath, [processPool]));
      pools.get('multicore, processes, children under tsx')!.push(await json<ProcessFigures>(process.execPath, [processPool, 'tsx']));
      pools.get('Python multiprocessing.Pool')!.push(await json<ProcessFigures>('python3', [pythonPool]));
      nodeStarts.get('node')!.push(await json<ImportFigures>(process.execPath, [importOnly, 'nothing']));
      nodeStarts.get('node --import tsx')!.push(await json<ImportFigures>(process.execPath, ['--import', 'tsx', importOnly, 'nothing']));
      console.log(`process round ${round + 1}/${processRounds} done`);
    }

    const importTable = markdownTable(
      ['library', 'import alone (ms)', '(CPU ms)', "node's built-in modules it loads", 'process start to imported (ms)', 'import + new pool + first result (ms)', 'of which after the import (ms)', '(CPU ms)', '(ms from process start)'],
      [...imports].map(([name, runs]) => {
        const first = firsts.get(name);
        return [
          name === 'nothing' ? 'nothing (bare `node`)' : name,
          name === 'nothing' ? '' : ms(pick(runs, 'importMs')),
          name === 'nothing' ? '' : ms(pick(runs, 'importCpuMs')),
          name === 'nothing' ? '' : String(pick(runs, 'builtins')),
          ms(pick(runs, 'fromProcessStart')),
          first ? ms(pick(first, 'fromImport')) : '',
          first ? ms(pick(first, 'fromImport') - pick(runs, 'importMs')) : '',
          first ? ms(pick(first, 'cpuMs')) : '',
          first ? ms(pick(first, 'fromProcessStart')) : '',
        ];
      }),
    );
    const inline = firsts.get('multicore-inline')!;
    const profileTable = markdownTable(
      ['a fresh `node` importing multicore, start to exit (CPU profile, ms, median of 3)', 'the package (bundle)', 'per-file modules (before)'],
      profileCategories.map((category) => [category, ms(median(profiles.map((p) => p.get(category)!))), ms(median(perFileProfiles.map((p) => p.get(category)!)))]),
    );
    const poolTable = markdownTable(
      ['pool (2 workers)', 'new pool to first result (ms)', 'map chunksize 1, wall (µs/item)', 'map chunksize 1, CPU of parent + workers (µs/item)'],
      [...pools].map(([name, runs]) => [name, ms(pick(runs, 'firstResultMs')), ms(pick(runs, 'mapChunk1Us')), ms(pick(runs, 'mapChunk1CpuUs'))]),
    );
    const startTable = markdownTable(
      ['bare start of', 'process start to its first line (ms)'],
      [...nodeStarts].map(([name, runs]) => [`\`${name}\``, ms(pick(runs, 'fromProcessStart'))]),
    );

    const ourImport = pick(imports.get('multicore')!, 'importMs');
    const peersFirst = libraries.filter((name) => name !== 'multicore').map((name) => [name, pick(firsts.get(name)!, 'fromImport')] as const);
    const [fastestPeer, fastestPeerMs] = peersFirst.reduce((a, b) => (b[1] < a[1] ? b : a));
    const ourFirst = pick(firsts.get('multicore')!, 'fromImport');
    const ourFirstCpu = pick(firsts.get('multicore')!, 'cpuMs');
    const perFileImport = pick(imports.get(perFile)!, 'importMs');
    const perFileFirst = pick(firsts.get(perFile)!, 'fromImport');
    const bundledImport = pick(imports.get(bundled)!, 'importMs');
    const bundledFirst = pick(firsts.get(bundled)!, 'fromImport');
    const processFirst = pick(pools.get('multicore, processes')!, 'firstResultMs');
    const pythonFirst = pick(pools.get('Python multiprocessing.Pool')!, 'firstResultMs');
    const processMap = pick(pools.get('multicore, processes')!, 'mapChunk1Us');
    const pythonMap = pick(pools.get('Python multiprocessing.Pool')!, 'mapChunk1Us');
    const met = (ok: boolean) => (ok ? 'met' : 'not met');

    return `${importTable}

Medians of ${importRuns} fresh \`node\` processes per library for the import alone and ${firstResultRuns} for the first
result (bench/pool/first-result.mjs: two workers, one no-op call; multicore runs a task module, as the
peers do; with an inline function it took ${ms(pick(inline, 'fromImport'))} ms), contenders interleaved. "After the import"
is the difference of the two medians. CPU ms is the CPU time of all the process's threads (its workers' too)
over the same span: other load on the machine stretches the wall time, much less the CPU time.

"multicore" is the package as published, an esbuild bundle in chunks (docs/architecture.md, "What users load"):
\`import 'multicore'\` loads ${modules.ours} of its files, holding ${modules.sources} source modules${modules.all > modules.ours ? ` (and ${modules.all - modules.ours} file modules of other packages)` : ' (and no other package)'}, and a thread
worker starts from ${workerFiles.length} (${sourcesIn(workerFiles)} source modules); the process and Redis backends, the inline-function parser
(acorn) and the CLI commands are chunks loaded when first used. The bundle takes node's built-ins from
\`process.getBuiltinModule()\` rather than ES imports (scripts/builtin-imports.ts), whose facades load what a
built-in keeps lazy (\`node:fs\` its streams, \`node:util\` parseArgs), and loads \`node:os\` and \`import.meta\`'s
module on first use: the import loads only worker_threads and what it needs (the built-ins column), and a thread worker
${workerLoads.multicore.builtins} built-in modules before its first task, tinypool's ${workerLoads.tinypool.builtins}. "${perFile}" is the same code as tsc's
per-file modules, which the package published before: the import loads ${perFileModules.ours} files, a thread worker ${perFileWorker} more.
"${bundled}" is the package bundled again by an app into one file with its worker entry beside it, as
docs/runtimes.md ("Bundlers") shows: one module of ${(bundle.bytes / 1024).toFixed(0)} KB, ${(bundle.acornBytes / 1024).toFixed(0)} KB of it acorn, which the package loads only
for inline functions but a one-file bundle compiles up front.

${profileTable}

Samples' self time by what the function does, in a fresh process from its start to its exit (node's own
start-up included). Module loading in Node 20 is per file: each module costs a resolve (realpath, package
scope), an asynchronous read (open, fstat, read, close on the libuv thread pool, the idle time above) and a
compile, so the count of files is what the import costs: ${ms(pick(imports.get(perFile)!, 'importCpuMs'))} ms of CPU for ${perFileModules.ours} per-file modules, ${ms(pick(imports.get('multicore')!, 'importCpuMs'))} ms
for the same code in ${modules.ours} files.

${poolTable}

${startTable}

From \`new Pool()\` in a fresh plain \`node\` process (multicore imported) to the first no-op result, then
5 × 2,000 no-op items with chunksize 1; ${processRounds} rounds, medians, contenders interleaved. CPU is this
process's plus its workers' (from /proc), the figure least disturbed by other load. A Python worker is a
fork of a warm interpreter; ours is a new \`node\` that starts from nothing, so the bare start of \`node\`
above is the floor of our first result. Under tsx each child also starts tsx's loader (its hooks thread
and esbuild), the difference between the two bare starts.

Targets: \`import 'multicore'\` < ${targets.importMs} ms (${ms(ourImport)} ms: ${met(ourImport < targets.importMs)}; per-file ${ms(perFileImport)} ms; bundled by an app ${ms(bundledImport)} ms);
import + pool + first result no slower than the fastest peer (${ms(ourFirst)} ms, ${ms(ourFirstCpu)} CPU ms, vs ${fastestPeer}'s ${ms(fastestPeerMs)} ms, ${ms(pick(firsts.get(fastestPeer)!, 'cpuMs'))} CPU ms: ${met(ourFirst <= fastestPeerMs)}; per-file ${ms(perFileFirst)} ms; bundled by an app ${ms(bundledFirst)} ms);
process pool to first result within ${targets.processFirstVsPython}× Python's (${ms(processFirst)} ms vs ${ms(pythonFirst)} ms: ${met(processFirst <= targets.processFirstVsPython * pythonFirst)});
process map chunksize 1 no slower per item than Python's (${ms(processMap)} µs vs ${ms(pythonMap)} µs: ${met(processMap <= pythonMap)}).

The machine is shared: while this ran, other sessions were running test suites on its 2 cores (load
average ${loadBefore.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end; a bare \`node\` starts in about 70 ms when the machine
is quiet), so every absolute figure here is inflated and noisy; the ratios within a table, measured
interleaved, and the CPU times are the meaningful part.`;
  },
};
