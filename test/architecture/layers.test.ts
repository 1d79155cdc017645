/**
 * The folders of src/ form layers, and an import only points down: a reader can follow a call
 * from the public API to a worker and back without meeting a loop. This test reads every import
 * in src/ (static, `export ... from`, `import type`, dynamic `import()`, and the modules a worker
 * is started on with `new URL('./x.js', import.meta.url)`) and fails on one that runs up the
 * layers, reaches sideways into a sibling of the same layer, or closes a loop between folders.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const srcDir = fileURLToPath(new URL('../../src/', import.meta.url));

/**
 * Top to bottom. A folder may import any folder of a lower layer, never one of its own layer
 * (siblings stay independent) nor a higher one. `entry` is src/index.ts, src/task-side.ts
 * (multicore/task), src/worker-entry.ts and src/internals.ts (what the tests reach of the
 * internals through the bundle);
 * `errors` is src/errors.ts with src/errors/.
 */
const layers: readonly (readonly string[])[] = [
  ['entry'], // the public export list and the worker entry
  ['cli'], // `multicore <command>`
  ['run', 'tools', 'reductions'], // what is built on a Pool or beside it: `multicore run`, timeit/scaling, the ready reductions
  ['pool'], // Pool: lifecycle, stats, one method per API call
  ['api'], // map, imap, starmap, apply, forRange: iteration, ordering, refusals up front
  ['scheduling'], // chunking, read-ahead, in-flight bounds, outcomes in order
  ['shared'], // SharedArrayBuffer arrays and ranges
  ['backends'], // the Backend interface and its implementations (threads, processes, Redis)
  ['options'], // one validator per option, defaults
  ['tasks'], // task(import.meta, fn), inline functions, module references, TaskInput
  ['transport'], // message types, codecs, what cannot be sent
  ['system'], // CPU, cgroup, memory, disk and runtime probing
  ['errors'], // MulticoreError and its subclasses, describe()
];

/**
 * Imports that still break the rule, each with why: the test fails when one disappears, so that
 * this list only ever shrinks.
 */
const knownExceptions: readonly { from: string; to: string; why: string }[] = [];

interface Edge {
  from: string;
  to: string;
  file: string;
  specifier: string;
}

function sourceFiles(): string[] {
  return (readdirSync(srcDir, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts')).map((file) => file.split(sep).join('/'));
}

/** The folder of a file in src/: its first path segment, with the root files named as above. */
function folderOf(file: string): string {
  const [first, ...rest] = file.split('/');
  if (rest.length > 0) return first!;
  if (file === 'errors.ts') return 'errors';
  if (file === 'index.ts' || file === 'task-side.ts' || file === 'worker-entry.ts' || file === 'internals.ts') return 'entry';
  throw new Error(`src/${file} is a root file of no layer: put it in a folder, or name its layer in this test`);
}

/** Every relative module a file names, however it names it. */
function specifiersOf(text: string): string[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const names = importedFiles.map((file) => file.fileName);
  for (const match of text.matchAll(/new URL\(\s*['"](\.{1,2}\/[^'"]+\.js)['"]\s*,\s*import\.meta\.url\s*\)/g)) names.push(match[1]!);
  return names.filter((name) => name.startsWith('./') || name.startsWith('../'));
}

function importEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles()) {
    const text = readFileSync(join(srcDir, file), 'utf8');
    for (const specifier of specifiersOf(text)) {
      const target = relative(srcDir, normalize(join(srcDir, dirname(file), specifier))).split(sep).join('/');
      // Only modules of src/ itself: the package.json read by the CLI lies outside the layers.
      if (target.startsWith('..') || !/\.(js|ts)$/.test(target)) continue;
      const from = folderOf(file);
      const to = folderOf(target.replace(/\.js$/, '.ts'));
      if (from !== to) edges.push({ from, to, file, specifier });
    }
  }
  return edges;
}

function layerOf(folder: string): number {
  const index = layers.findIndex((layer) => layer.includes(folder));
  if (index === -1) throw new Error(`src/${folder}/ is in no layer: add it to the layers of test/architecture/layers.test.ts`);
  return index;
}

function upwardImports(edges: readonly Edge[]): string[] {
  return edges
    .filter((edge) => layerOf(edge.from) >= layerOf(edge.to))
    .map((edge) => {
      const where = layerOf(edge.from) === layerOf(edge.to) ? 'a sibling in its own layer' : 'a higher layer';
      return `src/${edge.file} imports ${edge.specifier}: ${edge.from}/ may not import ${edge.to}/, ${where}`;
    });
}

const isException = (edge: { from: string; to: string }) => knownExceptions.some((known) => known.from === edge.from && known.to === edge.to);

/** The loops in a graph of folders, each as a path that returns to its start (Tarjan's components). */
function loops(edges: readonly { from: string; to: string }[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) next.set(from, (next.get(from) ?? new Set()).add(to));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (stack.includes(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return components;
}

describe('layers of src/', () => {
  const edges = importEdges();

  it('reads the imports it judges', () => {
    // A reader that found nothing would pass every rule: these imports are known to exist.
    assert.ok(edges.some((edge) => edge.from === 'pool' && edge.to === 'api'), 'pool/ imports api/');
    assert.ok(edges.some((edge) => edge.from === 'cli' && edge.to === 'tools'), 'cli/ imports tools/');
    assert.ok(edges.some((edge) => edge.from === 'entry' && edge.to === 'backends'), 'worker-entry.ts imports the worker sides');
    assert.ok(specifiersOf("const m = await import('../a/b.js');\nimport type {\n  X,\n} from './c.js';\n// import { y } from './commented.js'\n").join() === '../a/b.js,./c.js');
  });

  it('every import points down the layers', () => {
    assert.deepEqual(upwardImports(edges.filter((edge) => !isException(edge))), []);
  });

  it('no two folders import each other, directly or around a loop', () => {
    assert.deepEqual(loops(edges.filter((edge) => !isException(edge))), []);
  });

  it('every known exception still occurs (remove the ones that were fixed)', () => {
    const stale = knownExceptions.filter((known) => !edges.some((edge) => edge.from === known.from && edge.to === known.to));
    assert.deepEqual(stale, []);
  });

  it('finds a loop, an upward import and a sideways one when there is one', () => {
    assert.deepEqual(loops([{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }, { from: 'c', to: 'd' }]), [['a', 'b', 'c']]);
    const edge = (from: string, to: string): Edge => ({ from, to, file: `${from}/x.ts`, specifier: `../${to}/y.js` });
    assert.deepEqual(upwardImports([edge('pool', 'api'), edge('errors', 'pool'), edge('tools', 'run')]), [
      'src/errors/x.ts imports ../pool/y.js: errors/ may not import pool/, a higher layer',
      'src/tools/x.ts imports ../run/y.js: tools/ may not import run/, a sibling in its own layer',
    ]);
  });
});
