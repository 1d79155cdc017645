/**
 * The package as users get it: `npm pack` on a copy of the repository as a fresh clone has it
 * (no dist/), the tarball installed into an empty project (a copy, not a symlink), and programs
 * in ESM, CommonJS and TypeScript run against it. One pack and one install, shared by all tests.
 * The registry is used for multicore's own dependencies and the @types/node variants only.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { reasons, unsupportedOn } from '../runtimes/support.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const tsxCli = join(repo, 'node_modules/tsx/dist/cli.mjs');
const tsc = join(repo, 'node_modules/typescript/bin/tsc');
const npmQuiet = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

let root: string;
let app: string;
let packed: { filename: string; files: { path: string }[] };
/** What npm printed while installing the tarball (warnings included). */
let installWarnings: string;

/** Runs `node args` in the app; resolves to its output even when it exits non-zero. */
async function node(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // A bound, generous for a loaded machine: tsc over @types/node took over a minute at load 45.
    const { stdout, stderr } = await run(process.execPath, args, { cwd: app, env, timeout: 240_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; killed?: boolean; signal?: string; stdout?: string; stderr?: string };
    const ended = failed.killed === true ? `\n(killed with ${failed.signal} after 240 s)` : '';
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: (failed.stderr ?? '') + ended };
  }
}

/** The files a fresh clone has: tracked ones and new ones not ignored, so uncommitted work is tested too. */
async function copyAsClone(into: string): Promise<void> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo, maxBuffer: 16 << 20 });
  for (const path of stdout.split('\0')) {
    if (path === '' || !existsSync(join(repo, path))) continue;
    mkdirSync(dirname(join(into, path)), { recursive: true });
    cpSync(join(repo, path), join(into, path));
  }
  // The dev dependencies the build needs (typescript), without installing them again.
  symlinkSync(join(repo, 'node_modules'), join(into, 'node_modules'), 'dir');
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'multicore-pack-'));
  const clone = join(root, 'clone');
  await copyAsClone(clone);
  assert.ok(!existsSync(join(clone, 'dist')), 'the clone starts without dist/');
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', root, ...npmQuiet], { cwd: clone, maxBuffer: 16 << 20 });
  packed = (JSON.parse(stdout.slice(stdout.indexOf('['))) as (typeof packed)[])[0]!;
  app = join(root, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }, null, 2));
  const installed = await run('npm', ['install', join(root, packed.filename), ...npmQuiet.filter((flag) => !flag.startsWith('--loglevel')), '--loglevel=warn'], { cwd: app });
  installWarnings = installed.stderr;
});

after(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('builds dist/ and ships what users need, nothing of the tests or sources', () => {
    const files = packed.files.map((file) => file.path);
    const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { bin: { multicore: string }; exports: Record<string, string | { types: string; default: string }> };
    const exported = Object.values(manifest.exports).flatMap((target) => (typeof target === 'string' ? [target] : [target.types, target.default]));
    for (const needed of ['package.json', 'LICENSE', 'README.md', 'docs/getting-started.md', manifest.bin.multicore, ...exported].map((path) => path.replace(/^\.\//, ''))) {
      assert.ok(files.includes(needed), `${needed} is in the package`);
    }
    const stray = files.filter((path) => !/^(dist|docs)\//.test(path) && !['package.json', 'LICENSE', 'README.md'].includes(path));
    assert.deepEqual(stray, [], 'only dist/, docs/ and the top-level files');
    // The JavaScript is the bundle alone (the per-file build is for the tests), and the tests' internals entry stays out.
    const perFile = files.filter((path) => path.startsWith('dist/') && !path.startsWith('dist/bundle/') && !path.endsWith('.d.ts'));
    assert.deepEqual(perFile, [], 'no per-file modules besides the declarations');
    assert.deepEqual(files.filter((path) => /internals/.test(path)), [], 'not the internals entry');
    assert.ok(readFileSync(join(repo, 'LICENSE'), 'utf8').startsWith('MIT License'), 'LICENSE matches "license": "MIT"');
  });

  it('installs without running or announcing an install script (dist/ is built before packing, not on install)', () => {
    assert.doesNotMatch(installWarnings, /install-scripts|prepare|postinstall/, installWarnings);
  });

  it('ships source maps that carry their sources, since src/ is not shipped', () => {
    const bundle = join(app, 'node_modules/multicore/dist/bundle');
    const maps = readdirSync(bundle)
      .filter((name) => name.endsWith('.js.map'))
      .map((name) => JSON.parse(readFileSync(join(bundle, name), 'utf8')) as { sources: string[]; sourcesContent?: string[] });
    for (const map of maps) assert.equal(map.sourcesContent?.length, map.sources.length);
    const runtime = maps.find((map) => map.sources.includes('../../src/backends/local/worker-runtime.ts'));
    assert.ok(runtime !== undefined, 'a map names src/backends/local/worker-runtime.ts');
    assert.match(runtime.sourcesContent![runtime.sources.indexOf('../../src/backends/local/worker-runtime.ts')]!, /startRuntime/);
  });
});

describe('the installed tarball', () => {
  it('is a copy, and brings at most 3 packages besides multicore', () => {
    assert.ok(!lstatSync(join(app, 'node_modules/multicore')).isSymbolicLink());
    const lock = JSON.parse(readFileSync(join(app, 'node_modules/.package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    const installed = Object.keys(lock.packages).filter((path) => path.startsWith('node_modules/') && path !== 'node_modules/multicore');
    assert.ok(installed.length <= 3, `installed besides multicore: ${installed.join(', ')}`);
    assert.ok(!installed.some((path) => /bullmq|ioredis/.test(path)), 'the Redis drivers are optional');
  });

  it('runs an ESM program: task modules, inline functions, isWorker()', async () => {
    writeFileSync(
      join(app, 'tasks.mjs'),
      "import { task, isWorker } from 'multicore';\n" +
        'export const hello = task(import.meta, function hello(name) { return `Hello, ${name}!`; });\n' +
        'export function inWorker() { return isWorker(); }\n',
    );
    writeFileSync(
      join(app, 'main.mjs'),
      "import { Pool, isWorker } from 'multicore';\nimport { hello } from './tasks.mjs';\n" +
        "const pool = new Pool({ workers: 2, backend: process.argv[2] });\n" +
        "console.log(JSON.stringify(await pool.map(hello, ['a', 'b'])));\n" +
        'console.log(JSON.stringify(await pool.map((x) => x * x, [1, 2, 3])));\n' +
        "console.log(isWorker(), await pool.apply({ module: new URL('./tasks.mjs', import.meta.url), name: 'inWorker' }));\n" +
        'pool.close();\nawait pool.join();\n',
    );
    for (const backend of ['thread', 'process']) {
      const { code, stdout, stderr } = await node(['main.mjs', backend]);
      assert.equal(code, 0, stderr);
      assert.equal(stdout, '["Hello, a!","Hello, b!"]\n[1,4,9]\nfalse true\n', backend);
    }
  });

  it("runs a CommonJS program: require('multicore') (Node 20.19 and later)", async () => {
    writeFileSync(
      join(app, 'main.cjs'),
      "const { Pool } = require('multicore');\n" +
        'async function main() {\n  const pool = new Pool(2);\n  try {\n' +
        '    console.log(JSON.stringify(await pool.map((x) => x + 1, [1, 2])));\n' +
        '  } finally {\n    pool.close();\n    await pool.join();\n  }\n}\nmain();\n',
    );
    const { code, stdout, stderr } = await node(['main.cjs']);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, '[2,3]\n');
  });

  it('runs a TypeScript program under tsx, with a TypeScript task module', async () => {
    writeFileSync(
      join(app, 'tasks.ts'),
      "import { task } from 'multicore';\nexport const cube = task(import.meta, function cube(x: number): number { return x ** 3; });\n",
    );
    writeFileSync(
      join(app, 'main.ts'),
      "import { Pool } from 'multicore';\nimport { cube } from './tasks.ts';\n" +
        'const pool = new Pool(2);\nconst cubes: number[] = await pool.map(cube, [1, 2, 3]);\nconsole.log(JSON.stringify(cubes));\n' +
        'pool.close();\nawait pool.join();\n',
    );
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }, null, 2));
    try {
      const { code, stdout, stderr } = await node([tsxCli, 'main.ts']);
      assert.equal(code, 0, stderr);
      assert.equal(stdout, '[1,8,27]\n');
    } finally {
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }, null, 2));
    }
  });

  const missingDrivers = 'fails a Redis pool without bullmq and ioredis with ERR_MISSING_DEPENDENCY and the install command';
  it(missingDrivers, { skip: unsupportedOn({ bun: reasons.bunRedis }, missingDrivers) }, async () => {
    writeFileSync(join(app, 'remote-tasks.mjs'), 'export function double(x) { return 2 * x; }\n');
    writeFileSync(
      join(app, 'redis.mjs'),
      "import { Pool } from 'multicore';\n" +
        "const pool = new Pool({ backend: 'redis', redis: 'redis://127.0.0.1:9' });\n" +
        "try {\n  await pool.apply({ module: new URL('./remote-tasks.mjs', import.meta.url), name: 'double' }, [1]);\n" +
        '} catch (error) {\n  console.log(error.code, error.packages.join(), error.message);\n} finally {\n  await pool.terminate();\n}\n',
    );
    const pool = await node(['redis.mjs']);
    assert.equal(pool.code, 0, pool.stderr);
    assert.match(pool.stdout, /^ERR_MISSING_DEPENDENCY bullmq,ioredis .*'bullmq' and 'ioredis'.*npm install bullmq ioredis/);
    const { bin } = JSON.parse(readFileSync(join(app, 'node_modules/multicore/package.json'), 'utf8')) as { bin: { multicore: string } };
    const worker = await node([join('node_modules/multicore', bin.multicore), 'worker', '--tasks', 'remote-tasks.mjs']);
    assert.equal(worker.code, 1);
    assert.match(worker.stderr, /npm install bullmq ioredis/);
  });
});

describe('the type declarations', () => {
  // Each variant in its own folder, installed in one npm call; tsc runs over the app with each.
  const variants = { '20': '@types/node@20', '22': '@types/node@22', latest: '@types/node@latest' };

  it('compile with skipLibCheck: false under @types/node 20, 22 and the newest', async () => {
    const deps = join(root, 'types');
    mkdirSync(deps);
    writeFileSync(join(deps, 'package.json'), '{"private":true}');
    await run('npm', ['install', ...Object.entries(variants).map(([name, spec]) => `node${name}@npm:${spec}`), ...npmQuiet], { cwd: deps });
    writeFileSync(
      join(app, 'check.mts'),
      "import { Pool, task, transfer, isWorker, MulticoreError, type PoolOptions, type Transferable } from 'multicore';\n" +
        'const square = task(import.meta, function square(x: number) { return x * x; });\n' +
        "const options: PoolOptions = { workers: 2, backend: 'process', execArgv: [] };\n" +
        'export async function main(): Promise<number[]> {\n  const pool = new Pool(options);\n' +
        '  const buffer: Transferable = transfer(new ArrayBuffer(8));\n  void buffer;\n  void isWorker();\n' +
        "  void new Pool({ backend: 'redis', redis: { host: 'h', port: 1 } });\n" +
        '  try { return await pool.map(square, [1, 2]); } catch (error) { throw error instanceof MulticoreError ? error : error; }\n}\n',
    );
    for (const name of Object.keys(variants)) {
      const typeRoot = join(root, `type-root-${name}`);
      mkdirSync(typeRoot);
      symlinkSync(join(deps, 'node_modules', `node${name}`), join(typeRoot, 'node'), 'dir');
      const config = {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          typeRoots: [typeRoot],
          types: ['node'],
        },
        files: ['check.mts'],
      };
      writeFileSync(join(app, `tsconfig.${name}.json`), JSON.stringify(config));
      const result = await node([tsc, '-p', `tsconfig.${name}.json`]);
      assert.equal(result.code, 0, `@types/node ${name}:\n${result.stdout}${result.stderr}`);
    }
    const latest = JSON.parse(readFileSync(join(deps, 'node_modules/nodelatest/package.json'), 'utf8')) as { version: string };
    assert.ok(Number(latest.version.split('.')[0]) >= 22, `the newest @types/node is ${latest.version}`);
    assert.deepEqual(readdirSync(join(app, 'node_modules')).filter((name) => name === 'ioredis' || name === 'bullmq'), [], 'compiled without the Redis drivers');
  });
});
