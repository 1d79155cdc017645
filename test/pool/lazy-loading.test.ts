/**
 * What `import 'multicore'` loads: the default thread pool and the public API, not the backends a
 * program may never ask for, in as few files as the bundle's layout promises (issue 19;
 * scripts/bundle.ts). Counted by file and by the source modules the files' source maps name,
 * not timed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { staticModuleClosure } from '../../bench/startup/module-graph.js';
import { fixture } from '../helpers.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const bundle = join(packageRoot, 'dist/bundle/');

/**
 * Runs `source` (an ES module body) in a fresh node and returns the file modules it loaded, as
 * paths. From a file, not `-e`, since thread workers inherit the command line; in a folder whose
 * node_modules/multicore is this package, as an installed one would be.
 */
async function filesLoadedBy(source: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'multicore-loads-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(packageRoot, join(dir, 'node_modules/multicore'), 'dir');
  writeFileSync(join(dir, 'program.mjs'), source);
  const recordTo = join(dir, 'loaded');
  try {
    await run(process.execPath, ['--import', fileURLToPath(fixture('record-loads.mjs')), join(dir, 'program.mjs')], {
      cwd: dir,
      env: { ...process.env, RECORD_LOADS_TO: recordTo },
      timeout: 60_000,
      killSignal: 'SIGKILL',
    });
    return readFileSync(recordTo, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((url) => fileURLToPath(url))
      .filter((file) => !file.startsWith(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** multicore's own files among `files`, relative to dist/bundle/. */
const ours = (files: string[]) => files.filter((file) => file.startsWith(bundle)).map((file) => file.slice(bundle.length));

/** The source modules bundled into `files` of dist/bundle/, from their source maps, as paths in src/. */
function sourcesOf(files: string[]): string[] {
  return files.flatMap((file) => (JSON.parse(readFileSync(join(bundle, `${file}.map`), 'utf8')) as { sources: string[] }).sources.map((source) => source.replace(/^\.\.\/\.\.\//, '')));
}

// child-entry.ts only says where the children start from, so that a missing one fails `new Pool()`.
const processBackend = (path: string) => path.startsWith('src/backends/process/') && path !== 'src/backends/process/child-entry.ts';
const redisBackend = (path: string) => path.startsWith('src/backends/redis/');
const drivers = (file: string) => /node_modules\/(bullmq|ioredis|acorn)\//.test(file);

// The loads are recorded by a module.register() hook on Node's own command line.
const skip = unsupportedOn({ bun: reasons.nodeCommandLine, deno: reasons.nodeCommandLine }, 'pool/lazy-loading: the modules that import and a process pool load');

describe('lazy loading', { skip }, () => {
  it("import 'multicore' loads three files (index.js, the core, the worker core), and neither the process nor the Redis backend, nor acorn, bullmq, ioredis", async () => {
    const loaded = await filesLoadedBy("await import('multicore');");
    const files = ours(loaded);
    assert.equal(files[0], 'index.js', `the package itself was loaded: ${loaded.join(', ')}`);
    assert.equal(files.length, 3, `files: ${files.join(', ')}`);
    const sources = sourcesOf(files);
    assert.ok(sources.includes('src/pool/pool.ts') && sources.includes('src/backends/thread/thread-backend.ts'), 'the Pool and the default backend come with the import');
    assert.deepEqual(sources.filter(processBackend), []);
    assert.deepEqual(sources.filter(redisBackend), []);
    assert.deepEqual(loaded.filter(drivers), []);
  });

  it('a thread worker starts from two files, without the Pool (not seen by the hooks: read from the static imports)', () => {
    const files = staticModuleClosure(join(bundle, 'worker.js')).map((file) => file.slice(bundle.length));
    assert.equal(files.length, 2, `files: ${files.join(', ')}`);
    const sources = sourcesOf(files);
    assert.ok(sources.includes('src/backends/local/worker-runtime.ts'), `sources: ${sources.join(', ')}`);
    assert.deepEqual(sources.filter((path) => path.startsWith('src/pool/') || path.startsWith('src/tools/') || processBackend(path) || redisBackend(path)), []);
  });

  // task() stays: task modules import it from multicore/task in every worker, which should then load nothing more (test/packaging/task-subpath.test.ts).
  it("a thread worker's start-up files hold only what a plain task uses: of the errors, the task errors; no error rebuilding, caller's call sites or preload replay", () => {
    const sources = sourcesOf(staticModuleClosure(join(bundle, 'worker.js')).map((file) => file.slice(bundle.length)));
    assert.ok(sources.includes('src/errors/task-errors.ts') && sources.includes('src/transport/error-codec.ts'), `sources: ${sources.join(', ')}`);
    const notAtStart = ['src/errors.ts', 'src/errors/pool-errors.ts', 'src/errors/worker-errors.ts', 'src/errors/remote-errors.ts', 'src/transport/error-rebuild.ts', 'src/transport/call-site.ts', 'src/backends/thread/preload.ts'];
    assert.deepEqual(sources.filter((path) => notAtStart.includes(path)), []);
  });

  it("neither the import nor a thread worker loads perf_hooks or the lazy parts of node:fs and node:util (the bundle reads built-ins from process.getBuiltinModule, scripts/builtin-imports.ts), nor import.meta's module", async () => {
    // Loaded only because an ES import of node:fs or node:util builds the module's facade, or on the first read of the `performance` global.
    const avoidable = ['NativeModule internal/fs/streams', 'NativeModule internal/util/parse_args/parse_args', 'NativeModule internal/mime', 'NativeModule perf_hooks'];
    const task = JSON.stringify({ module: fixture('loaded-builtins.mjs').href, name: 'loadedBuiltins' });
    const dir = mkdtempSync(join(tmpdir(), 'multicore-builtins-'));
    const program = join(dir, 'program.mjs');
    // From a file: thread workers inherit the command line, -e included.
    writeFileSync(program, `
      const before = new Set(process.moduleLoadList);
      const { Pool } = await import(${JSON.stringify(pathToFileURL(join(bundle, 'index.js')).href)});
      const byImport = process.moduleLoadList.filter((entry) => !before.has(entry));
      const pool = new Pool(1);
      const task = ${task};
      const inWorker = await pool.apply({ module: new URL(task.module), name: task.name }, []);
      await pool.terminate();
      console.log(JSON.stringify({ byImport, inWorker }));
    `);
    const { stdout } = await run(process.execPath, [program], { timeout: 60_000, killSignal: 'SIGKILL' }).finally(() => rmSync(dir, { recursive: true, force: true }));
    const { byImport, inWorker } = JSON.parse(stdout) as { byImport: string[]; inWorker: string[] };
    assert.ok(byImport.includes('NativeModule worker_threads'), `the import was seen: ${byImport.join(', ')}`);
    assert.deepEqual(byImport.filter((entry) => avoidable.includes(entry)), []);
    assert.ok(inWorker.length > 0);
    assert.deepEqual(inWorker.filter((entry) => avoidable.includes(entry)), []);
    // Nor the module that Node loads on the first read of import.meta: not at the import, nor in a worker whose tasks succeed.
    const importMeta = 'NativeModule internal/modules/esm/initialize_import_meta';
    assert.ok(!byImport.includes(importMeta), `at the import: ${byImport.join(', ')}`);
    // node:os waits for a program that asks sysinfo() or usableCores(), or a pool sized by them.
    assert.ok(!byImport.includes('NativeModule os'), `at the import: ${byImport.join(', ')}`);
    assert.ok(!inWorker.includes(importMeta), `in the worker: ${inWorker.join(', ')}`);
    // Nor node:url, which Node's own loader does without: our file-URL helpers take it on first use.
    assert.ok(!inWorker.includes('NativeModule url'), `in the worker: ${inWorker.join(', ')}`);
  });

  it('a process pool loads the process backend when it is created, and still not the Redis one', async () => {
    const task = JSON.stringify({ module: fixture('tasks.mjs').href, name: 'square' });
    const loaded = await filesLoadedBy(`
      const { Pool } = await import('multicore');
      const pool = new Pool({ workers: 1, backend: 'process', execArgv: [] });
      const task = ${task};
      const result = await pool.apply({ module: new URL(task.module), name: task.name }, [7]);
      if (result !== 49) throw new Error('square(7) gave ' + result);
      await pool.terminate();
    `);
    const sources = sourcesOf(ours(loaded));
    assert.ok(sources.includes('src/backends/process/process-backend.ts'), `sources: ${sources.join(', ')}`);
    assert.deepEqual(sources.filter(redisBackend), []);
    assert.deepEqual(loaded.filter(drivers), []);
  });

  it('an inline function loads acorn, on first use', async () => {
    const loaded = await filesLoadedBy(`
      const { Pool } = await import('multicore');
      const pool = new Pool(1);
      if (await pool.apply((x) => x + 1, [1]) !== 2) throw new Error('the inline function gave a wrong result');
      await pool.terminate();
    `);
    assert.ok(sourcesOf(ours(loaded)).includes('src/tasks/inline-analysis.ts'));
    assert.ok(loaded.some((file) => /node_modules\/acorn\//.test(file)), `loaded: ${loaded.join(', ')}`);
  });
});
