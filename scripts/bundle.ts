/**
 * The JavaScript that multicore publishes: src/ bundled by esbuild into dist/bundle/, ES modules
 * split into chunks (docs/architecture.md, "What users load"). Node 20 loads every file module on
 * its own (resolve, read, compile), so the count of files is most of what start-up costs.
 *
 * esbuild puts each module in the chunk of the set of entry points (dynamic imports included)
 * that reach it. Left alone, that cuts what `import 'multicore'` loads into a dozen chunks and
 * more, one per pattern of which lazily loaded part also uses a module. Two layers keep it to
 * three files, and a worker to two:
 *
 * - the worker core: every module that a worker loads and something else loads too (the worker
 *   runtime, the message codecs, the errors, task resolution), except what only process workers
 *   and the process backend share;
 * - the core: the rest of what index.ts loads (the Pool, the thread backend's parent side, the
 *   options, the tools).
 *
 * Each layer is a module that imports all its members. Every chunk root (entry point or
 * dynamically imported module) imports the worker core, and the core too when it uses any member
 * of it; then every member of a layer is reached by the same roots, and esbuild emits the layer
 * as one chunk. The price is that a root evaluates every module of its layers, but those module
 * bodies only define functions, classes and constants. `import 'multicore'` loads index.js, the core and the worker core; a thread worker
 * worker.js and the worker core; a process worker child.js, the worker core and the chunk it
 * shares with the process backend; the process and Redis backends, the inline-function parser and
 * each CLI command stay chunks of their own, loaded when first used.
 *
 * Built-in modules come from `process.getBuiltinModule()` rather than `import ... from 'node:fs'`
 * (scripts/builtin-imports.ts): an ES import of a built-in makes Node build the module's ES facade,
 * which reads every export, and so loads the parts a built-in keeps lazy (`node:fs` its streams,
 * `node:util` parseArgs and MIMEType) for nothing.
 *
 * Usage: tsx scripts/bundle.ts (run by `npm run build` after tsc, which writes the declarations
 * and the per-file build that the tests of internals import).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { builtinsFromProcess } from './builtin-imports.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const outdir = 'dist/bundle';
const index = 'src/index.ts';
const threadWorker = 'src/backends/thread/worker.ts';
const processWorker = 'src/backends/process/child.ts';
const taskSide = 'src/task-side.ts';

/**
 * Each output is named after its entry. The files multicore itself names by URL at run time
 * (`new URL('./worker.js', import.meta.url)` and the like) sit beside the chunks that name them,
 * since every output is in one folder; that folder is two levels below the package root, as the
 * per-file modules are, for the code that finds the package from `import.meta.url`
 * (transport/own-frames.ts, cli/package-version.ts).
 */
const entryPoints: Record<string, string> = {
  index,
  // multicore/task: what task modules import, from the worker's own files (src/task-side.ts).
  'task-side': taskSide,
  'worker-entry': 'src/worker-entry.ts',
  cli: 'src/cli/main.ts',
  worker: threadWorker,
  child: processWorker,
  'kernel-tasks': 'src/reductions/kernel-tasks.ts',
  'demo-workloads': 'src/tools/demo-workloads.ts',
  // Not published (package.json "files"): the internals that tests drive together with the Pool.
  internals: 'src/internals.ts',
};

/** How many files each entry may load with it, itself included: the point of the layout. */
const fileBudget: Record<string, number> = { index: 3, 'task-side': 2, worker: 2, child: 3 };

const options: BuildOptions = {
  absWorkingDir: root,
  entryPoints,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  chunkNames: 'chunk-[hash]',
  // Dependencies (acorn; bullmq and ioredis, optional) and node: built-ins stay imports.
  packages: 'external',
  sourcemap: true,
  sourcesContent: true,
  metafile: true,
  logLevel: 'error',
};

type Graph = Metafile['inputs'];

/** The plugin of the first pass: src/ with builtinsFromProcess applied, as the second pass loads it. */
const builtinsPlugin: Plugin = {
  name: 'multicore-builtins',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.ts$/ }, (args) => ({ contents: builtinsFromProcess(readFileSync(args.path, 'utf8')), loader: 'ts' }));
  },
};

function staticClosure(graph: Graph, from: Iterable<string>): Set<string> {
  const seen = new Set<string>(from);
  for (const path of seen) {
    for (const imported of graph[path]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) seen.add(imported.path);
    }
  }
  return seen;
}

function dynamicTargets(graph: Graph): Set<string> {
  const targets = new Set<string>();
  for (const input of Object.values(graph)) {
    for (const imported of input.imports) if (imported.kind === 'dynamic-import' && !imported.external) targets.add(imported.path);
  }
  return targets;
}

interface Layer {
  name: string;
  members: Set<string>;
}

/** The two layers, inner first, from the module graph of a first pass. */
function layersOf(graph: Graph): Layer[] {
  const entries = new Set(Object.values(entryPoints));
  const roots = [...entries, ...dynamicTargets(graph)];
  const reach = new Map(roots.map((path) => [path, staticClosure(graph, [path])]));
  const rootsReaching = (path: string) => roots.filter((rootPath) => reach.get(rootPath)!.has(path)).length;
  // A module that only process workers and the process backend share stays out: thread workers would load it for nothing.
  // multicore/task counts as worker side: task modules import it in every worker, and it must load no more than the worker has.
  const workerSide = staticClosure(graph, [threadWorker, processWorker, taskSide]);
  const mainSide = new Set([...reach.get(threadWorker)!, ...reach.get(index)!]);
  const workerCore = new Set([...workerSide].filter((path) => !entries.has(path) && rootsReaching(path) >= 2 && mainSide.has(path)));
  const core = new Set([...reach.get(index)!].filter((path) => !entries.has(path) && !workerCore.has(path)));
  return [
    { name: 'worker-core', members: workerCore },
    { name: 'core', members: core },
  ];
}

/**
 * The layers a root that reaches `reached` must import: the innermost always (esbuild's own
 * helpers, which every entry point reaches, then land in it rather than in a chunk of their
 * own), the others when it touches them or a layer it imports does.
 */
function layersFor(graph: Graph, layers: Layer[], reached: Set<string>): Layer[] {
  const needed = new Set<Layer>(layers.slice(0, 1));
  for (const path of staticClosure(graph, layers[0]!.members)) reached.add(path);
  let grown = true;
  while (grown) {
    grown = false;
    for (const layer of layers) {
      if (needed.has(layer) || ![...layer.members].some((path) => reached.has(path))) continue;
      needed.add(layer);
      for (const path of staticClosure(graph, layer.members)) reached.add(path);
      grown = true;
    }
  }
  return layers.filter((layer) => needed.has(layer));
}

const layerPrefix = 'multicore-layer:';

/**
 * Appends the imports of its layers to each chunk root: at the end, so that line numbers (and
 * the source maps) stay those of the file; a static import runs before the module's body
 * wherever it is written. A dynamic import of a layer's member (`multicore run` asks for
 * sysinfo.ts only when it prints a count) would make that member an entry point and a chunk of
 * its own: it imports a module that re-exports the member instead, a root like the others.
 */
function layeredChunks(graph: Graph, layers: Layer[]): Plugin {
  const inLayer = (path: string) => layers.some((layer) => layer.members.has(path));
  const importsFor = (reachedFrom: string) =>
    layersFor(graph, layers, staticClosure(graph, [reachedFrom]))
      .map((layer) => `\nimport ${JSON.stringify(layerPrefix + layer.name)};`)
      .join('');
  const chunkRoots = new Set([...Object.values(entryPoints), ...dynamicTargets(graph)].filter((path) => !inLayer(path)));
  return {
    name: 'multicore-layers',
    setup(esbuild) {
      esbuild.onResolve({ filter: new RegExp(`^${layerPrefix}`) }, (args) => ({ path: args.path.slice(layerPrefix.length), namespace: 'multicore-layer' }));
      esbuild.onLoad({ filter: /.*/, namespace: 'multicore-layer' }, (args) => {
        const layer = layers.find((candidate) => candidate.name === args.path)!;
        return { contents: [...layer.members].map((path) => `import ${JSON.stringify(resolve(root, path))};`).join('\n'), resolveDir: root, loader: 'js' };
      });
      esbuild.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData === 'resolving') return undefined;
        const resolved = await esbuild.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolving' });
        if (resolved.errors.length > 0 || resolved.external || !inLayer(relative(root, resolved.path))) return undefined;
        return { path: resolved.path, namespace: 'layer-member' };
      });
      esbuild.onLoad({ filter: /.*/, namespace: 'layer-member' }, (args) => ({
        contents: `export * from ${JSON.stringify(args.path)};${importsFor(relative(root, args.path))}\n`,
        resolveDir: root,
        loader: 'js',
      }));
      esbuild.onLoad({ filter: /\.ts$/ }, (args) => {
        const path = relative(root, args.path);
        const source = builtinsFromProcess(readFileSync(args.path, 'utf8'));
        return { contents: chunkRoots.has(path) ? `${source}${importsFor(path)}\n` : source, loader: 'ts' };
      });
    },
  };
}

/** The files a runtime loads with `output`: itself and the chunks it imports statically, transitively. */
function loadedWith(metafile: Metafile, output: string): string[] {
  const seen = new Set<string>([output]);
  for (const path of seen) {
    for (const imported of metafile.outputs[path]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) seen.add(imported.path);
    }
  }
  return [...seen];
}

/**
 * Every file that src/ names by URL at run time (`new URL('./worker.js', import.meta.url)`) must
 * be an entry point of that name, or the bundle would point at a file it does not have.
 */
function checkNamedFiles(graph: Graph): void {
  for (const path of Object.keys(graph)) {
    if (!path.startsWith('src/')) continue;
    for (const match of readFileSync(resolve(root, path), 'utf8').matchAll(/new URL\(\s*['"]\.\/([\w-]+)\.js['"]\s*,\s*import\.meta\.url\s*\)/g)) {
      if (!(match[1]! in entryPoints)) throw new Error(`${path} names ./${match[1]}.js by URL: add it to the entry points of scripts/bundle.ts`);
    }
  }
}

/** esbuild's build with the metafile that `options` asks for. */
async function buildWithMetafile(extra: BuildOptions): Promise<Metafile> {
  const { metafile } = await build({ ...options, ...extra });
  if (metafile === undefined) throw new Error('esbuild returned no metafile');
  return metafile;
}

async function bundle(): Promise<void> {
  // A first pass, written nowhere, for the module graph the layers are cut from.
  const graph = (await buildWithMetafile({ write: false, plugins: [builtinsPlugin] })).inputs;
  checkNamedFiles(graph);
  const metafile = await buildWithMetafile({ plugins: [layeredChunks(graph, layersOf(graph))] });
  // Fail the build, not the start-up figures, when a change splits a layer.
  for (const [entry, budget] of Object.entries(fileBudget)) {
    const files = loadedWith(metafile, `${outdir}/${entry}.js`);
    if (files.length > budget) throw new Error(`${entry}.js would load ${files.length} files (${files.join(', ')}), more than its ${budget}: see scripts/bundle.ts`);
  }
  // The tests import the internals entry from the bundle, typed by tsc's declarations of src/internals.ts.
  writeFileSync(resolve(root, outdir, 'internals.d.ts'), "export * from '../internals.js';\n");
}

await bundle();
