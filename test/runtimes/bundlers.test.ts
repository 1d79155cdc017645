import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { Pool, WorkerEntryError } from 'multicore';
import { fixtureScript, report, runWith, runtimeBinary } from './runtimes.js';

const run = promisify(execFile);
const app = fixtureScript('bundled-app/app.mjs');
const workerModule = fixtureScript('bundled-app/multicore-worker.mjs');
let outRoot: string;

before(() => {
  outRoot = mkdtempSync(join(tmpdir(), 'multicore-bundle-'));
});
after(() => rmSync(outRoot, { recursive: true, force: true }));

/** Bundles the app (and the given extra entry points) with esbuild into a fresh directory. */
async function esbuild(name: string, entryPoints: Record<string, string>): Promise<string> {
  const outdir = join(outRoot, name);
  await build({
    entryPoints: { app, ...entryPoints },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outdir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'error',
  });
  return outdir;
}

type Outcome = number[] | { code: string; path: string; message: string };

test('esbuild: with multicore/worker-entry bundled as multicore-worker.mjs, thread and process pools run from the bundle on every runtime', async () => {
  const outdir = await esbuild('conventional', { 'multicore-worker': 'multicore/worker-entry' });
  for (const runtime of ['node', 'bun', 'deno'] as const) {
    const result = await runWith(runtime, join(outdir, 'app.mjs'), [], { cwd: outRoot });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(report<Record<string, Outcome>>(result), { thread: [2, 4, 6], process: [2, 4, 6] }, runtime);
  }
});

test('esbuild: the workerEntry option points at a worker entry of any name', async () => {
  const outdir = await esbuild('option', { 'workers/pool-entry': 'multicore/worker-entry' });
  const result = await runWith('node', join(outdir, 'app.mjs'), ['workers/pool-entry.mjs'], { cwd: outRoot });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(report<Record<string, Outcome>>(result), { thread: [2, 4, 6], process: [2, 4, 6] });
});

test('esbuild: a bundle without the worker entry fails with ERR_WORKER_ENTRY naming the missing file, for each backend', async () => {
  const outdir = await esbuild('missing', {});
  const result = await runWith('node', join(outdir, 'app.mjs'), [], { cwd: outRoot });
  assert.equal(result.code, 0, result.stderr);
  const out = report<Record<string, Exclude<Outcome, number[]>>>(result);
  assert.equal(out.thread!.code, 'ERR_WORKER_ENTRY');
  assert.equal(out.thread!.path, join(outdir, 'worker.js'));
  assert.match(out.thread!.message, /multicore-worker\.mjs.*workerEntry/);
  assert.equal(out.process!.code, 'ERR_WORKER_ENTRY');
  assert.equal(out.process!.path, join(outdir, 'child.js'));
});

test('bun build: the bundled app runs under Bun and Node', async () => {
  const outdir = join(outRoot, 'bun');
  await run(runtimeBinary('bun'), ['build', app, workerModule, '--target=node', `--outdir=${outdir}`, '--entry-naming=[name].mjs']);
  for (const runtime of ['bun', 'node'] as const) {
    const result = await runWith(runtime, join(outdir, 'app.mjs'), [], { cwd: outRoot });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(report<Record<string, Outcome>>(result), { thread: [2, 4, 6], process: [2, 4, 6] }, runtime);
  }
});

test('workerEntry: a missing file is WorkerEntryError with its path; a wrong type is a TypeError naming the option', () => {
  const missing = join(outRoot, 'no-such-entry.mjs');
  for (const backend of ['thread', 'process'] as const) {
    for (const workerEntry of [missing, pathToFileURL(missing), pathToFileURL(missing).href]) {
      assert.throws(() => new Pool({ workers: 1, backend, workerEntry }), (error: unknown) => {
        assert.ok(error instanceof WorkerEntryError);
        assert.equal(error.code, 'ERR_WORKER_ENTRY');
        assert.equal(error.path, missing);
        assert.match(error.message, /The workerEntry file .*no-such-entry\.mjs does not exist/);
        return true;
      });
    }
  }
  assert.throws(() => new Pool({ workerEntry: 42 as unknown as string }), { name: 'TypeError', message: /^workerEntry must be the path or file: URL/ });
  assert.throws(() => new Pool({ workerEntry: new URL('https://example.com/w.mjs') }), { name: 'TypeError', message: /workerEntry.*got a https: URL/ });
  assert.throws(() => new Pool({ backend: 'redis', workerEntry: missing as never }), { name: 'TypeError', message: /^workerEntry applies to local workers/ });
});

test('workerEntry given as the unbundled entry works from source too', async () => {
  const entry = fileURLToPath(new URL('../../dist/worker-entry.js', import.meta.url));
  for (const backend of ['thread', 'process'] as const) {
    const pool = new Pool({ workers: 1, backend, workerEntry: entry });
    try {
      assert.deepEqual(await pool.map((x: number) => x + 1, [1, 2]), [2, 3]);
    } finally {
      await pool.terminate();
    }
  }
});
