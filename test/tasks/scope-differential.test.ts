/**
 * Differential test of our scope analysis (src/tasks/scope-analysis.ts) against periscopic, the
 * library it replaced, which stays a devDependency for this test only. Both are given what
 * inline-analysis.ts gives ours: the Program of one function's source parsed as an expression,
 * and both must name the same free variables (inline-analysis then lets through the globals a
 * worker has; the comparison here keeps them, so that it is stricter than what is shipped).
 *
 * Two sources of functions: every function in a fixed set of dist files from node_modules
 * (devDependencies pinned by package-lock.json, so the corpus is the same on every run), and a
 * hand-written list of tricky cases whose true answer is written down, where periscopic is
 * either checked to agree or recorded as wrong with the reason.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse, type Options } from 'acorn';
import { analyze } from 'periscopic';
import { expressionShapes } from '../../src/tasks/inline-analysis.js';
import { analyzeScopes, type AstNode } from '../../src/tasks/scope-analysis.js';

const moduleOptions: Options = { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true };

/** The shapes inline-analysis.ts tries, in its order: an expression, then an object method. */
function parseLikeInline(text: string): AstNode | undefined {
  for (const expression of expressionShapes(text)) {
    try {
      return parse(expression, moduleOptions) as unknown as AstNode;
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
    }
  }
  return undefined; // inline-analysis refuses such a source as unparseable, before any scope analysis
}

function ours(program: AstNode): string[] {
  return [...new Set(analyzeScopes(program).free)].sort();
}

/**
 * periscopic's globals, without what it gets wrong by construction on every input:
 * - `import.meta` and `new.target` make it report `import` and `new`, reserved words that can
 *   never name a variable (is-reference treats a MetaProperty's `meta` as a reference);
 * - it knows no implicit `arguments` binding, so it reports `arguments` even inside a
 *   non-arrow function, where it is the function's own: `argumentsIsFree` decides it instead.
 */
function theirs(program: AstNode): string[] {
  const globals = new Set(analyze(program as Parameters<typeof analyze>[0]).globals.keys());
  globals.delete('import');
  globals.delete('new');
  globals.delete('arguments');
  if (argumentsIsFree(program)) globals.add('arguments');
  return [...globals].sort();
}

const nonArrowFunctions = new Set(['FunctionDeclaration', 'FunctionExpression']);

function* childNodes(node: AstNode): Generator<AstNode> {
  for (const [key, value] of Object.entries(node)) {
    if (key === 'type') continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'object' && item !== null && typeof item.type === 'string') yield item as AstNode;
    }
  }
}

/** Whether some `arguments` reference is outside every non-arrow function of the program. */
function argumentsIsFree(node: AstNode, parent?: AstNode, insideFunction = false): boolean {
  if (node.type === 'Identifier') {
    if (node.name !== 'arguments' || insideFunction || parent === undefined) return false;
    const isName = parent.computed !== true && (parent.key === node || (parent.type === 'MemberExpression' && parent.property === node));
    return !isName;
  }
  const inside = insideFunction || nonArrowFunctions.has(node.type);
  for (const child of childNodes(node)) if (argumentsIsFree(child, node, inside)) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// The corpus: every function of a few well-known packages' dist files.

const nodeModules = new URL('../../node_modules/', import.meta.url);

/** Bounded (about 1.3 MB, several thousand functions) and varied: ES5 UMD, modern classes, minified. */
const corpusFiles = [
  'acorn/dist/acorn.js',
  'luxon/build/node/luxon.js',
  'luxon/build/global/luxon.min.js',
  'esbuild/lib/main.js',
  'msgpackr/pack.js',
  'msgpackr/unpack.js',
  'piscina/dist/index.js',
  'cron-parser/dist/CronExpressionParser.js',
  'cron-parser/dist/CronExpression.js',
  'zimmerframe/src/walk.js',
  'bullmq/dist/esm/classes/job.js',
  'bullmq/dist/esm/classes/worker.js',
  'bullmq/dist/esm/classes/redis-queue-backend.js',
  'bullmq/dist/esm/classes/flow-producer.js',
  'ioredis/built/Redis.js',
  'ioredis/built/Pipeline.js',
  'ioredis/built/DataHandler.js',
  'poolifier/lib/index.mjs',
  'tinypool/dist/index.js',
  'tsx/dist/cli.mjs',
];

/** The source text Function.prototype.toString gives for each function of a file. */
function functionSources(code: string): string[] {
  const sources: string[] = [];
  const visit = (node: AstNode, parent: AstNode | undefined): void => {
    if (nonArrowFunctions.has(node.type) || node.type === 'ArrowFunctionExpression') {
      const isMethod =
        parent?.value === node &&
        (parent.type === 'MethodDefinition' || (parent.type === 'Property' && (parent.method === true || parent.kind !== 'init')));
      // A method's text starts at its key (with get/set/async/*), and leaves out `static`.
      sources.push(isMethod ? code.slice(parent.start, node.end).replace(/^static\s+/, '') : code.slice(node.start, node.end));
    }
    for (const child of childNodes(node)) visit(child, node);
  };
  visit(parseFile(code), undefined);
  return sources;
}

/** ES modules and CommonJS scripts both: a file that is neither fails the test. */
function parseFile(code: string): AstNode {
  try {
    return parse(code, { ...moduleOptions, allowHashBang: true }) as unknown as AstNode;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const script: Options = { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true, allowReturnOutsideFunction: true };
    return parse(code, script) as unknown as AstNode;
  }
}

interface Disagreement {
  file: string;
  source: string;
  ours: string[];
  theirs: string[];
}

describe('scope analysis against periscopic', () => {
  it('names the same free variables for every function of the corpus', () => {
    let compared = 0;
    let unparseable = 0;
    const disagreements: Disagreement[] = [];
    for (const file of corpusFiles) {
      const code = readFileSync(new URL(file, nodeModules), 'utf8');
      for (const source of functionSources(code)) {
        const program = parseLikeInline(source);
        if (program === undefined) {
          // About 100: private methods, methods that use `this.#x`, constructors calling super().
          unparseable += 1;
          continue;
        }
        compared += 1;
        const mine = ours(program);
        const reference = theirs(program);
        if (mine.join() !== reference.join()) disagreements.push({ file, source, ours: mine, theirs: reference });
      }
    }
    const shown = disagreements
      .slice(0, 10)
      .map((d) => `${d.file}: ${d.source.slice(0, 300)}\n  ours: ${d.ours.join(', ')}\n  periscopic: ${d.theirs.join(', ')}`)
      .join('\n\n');
    assert.equal(disagreements.length, 0, `${disagreements.length} of ${compared} functions disagree:\n\n${shown}`);
    // A corpus that stopped being read would pass vacuously.
    assert.ok(compared >= 3500, `only ${compared} functions compared (${unparseable} unparseable)`);
  });
});

// ---------------------------------------------------------------------------------------------
// Tricky cases, each with its true answer. Sources are what Function.prototype.toString gives, so
// methods and accessors come in the object-method shape, where inline-analysis's wrapper adds
// `__multicoreMethod`. The analysis is of strict code (inline-analysis parses as a module, as the
// function's own ES module is), and the worker compiles the function as strict code too.

interface TrickyCase {
  source: string;
  free: string[];
  /** Why periscopic gets this one wrong; the test checks that it still does. */
  periscopicWrong?: string;
}

const trickyCases: Record<string, TrickyCase[]> = {
  'shadowing in nested blocks': [
    { source: '(x) => { { let x = 1; { const y = x; } } return y; }', free: ['y'] },
    { source: '() => { let a = 1; { let a = 2; } return a + b; }', free: ['b'] },
    { source: '() => { const Math = 1; return Math; }', free: [] },
    { source: '(a) => (a) => a + b', free: ['b'] },
  ],
  'var hoisting out of blocks, not out of functions': [
    { source: '() => { { { var deep = 1; } } return deep; }', free: [] },
    { source: '() => { for (var i = 0; i < 1; i++); return i; }', free: [] },
    { source: '() => { try { var t = 1; } finally {} return t; }', free: [] },
    { source: '() => { (function () { var hidden; })(); return hidden; }', free: ['hidden'] },
    { source: '() => { var f = function named() {}; return named; }', free: ['named'] },
  ],
  'blocks of loops and conditions': [
    { source: '() => { while (x) { let x; } }', free: ['x'] },
    { source: '() => { if (a) { let a; } }', free: ['a'] },
    { source: '() => { for (let i = 0; i < 1; i++) { let i = 2; } return i; }', free: ['i'] },
    { source: '() => { for (let i = 0; i < n; i++) { setTimeout(() => i); } }', free: ['n', 'setTimeout'] },
    { source: '() => { do { var q = 1; } while (q < 0); }', free: [] },
  ],
  'using declarations (block-scoped)': [
    { source: '() => { { using r = open(); } return r; }', free: ['open', 'r'] },
    { source: 'async () => { await using h = acquire(); return h; }', free: ['acquire'] },
  ],
  'function declarations in blocks (block-scoped: strict code)': [
    { source: '() => { { function inner() {} } return inner; }', free: ['inner'] },
    { source: '() => { { g(); function g() {} } }', free: [] },
    { source: '() => { return later(); function later() {} }', free: [] },
  ],
  'catch parameters': [
    { source: '() => { try {} catch (e) { return e; } return e; }', free: ['e'] },
    { source: '() => { try {} catch ([a, { b = a }]) { return b; } }', free: [] },
    { source: '() => { try {} catch { return err; } }', free: ['err'] },
    { source: '(e) => { try {} catch (e) {} return e; }', free: [] },
    { source: '() => { try {} catch (err) { var err = 2; } return err; }', free: [] }, // the var is the function's
    // The parameter's defaults are evaluated before the catch block's declarations exist.
    { source: '() => { try {} catch ({ a = b }) { let b = 1; return a; } }', free: ['b'] },
    { source: '() => { try {} catch ({ a = () => b }) { const b = 1; return a(); } }', free: ['b'] },
  ],
  'parameters: destructuring and defaults': [
    { source: '({ a, b = a }, [c = b] = []) => c', free: [] },
    { source: '(a = b, b) => a', free: [] }, // b is in its TDZ there: a ReferenceError in both places, not a capture
    { source: '(a = outer) => a', free: ['outer'] },
    { source: '({ a, ...rest }, [, second]) => rest[a] + second', free: [] },
    { source: '(a) => { var a; return a; }', free: [] },
    // Defaults are evaluated before the body exists: they never see what the body declares.
    { source: '(a = b) => { let b = 1; return a; }', free: ['b'] },
    { source: 'function (a = b) { var b; return a; }', free: ['b'], periscopicWrong: "it puts the body's var in the parameters' scope" },
    { source: '(a = g) => { function g() {} return a; }', free: ['g'] },
    { source: '(f = () => hidden) => { var hidden; return f(); }', free: ['hidden'], periscopicWrong: "it puts the body's var in the parameters' scope" },
  ],
  'arguments, this, new.target, import.meta': [
    { source: 'function () { return arguments.length; }', free: [] },
    { source: '() => arguments[0]', free: ['arguments'] },
    { source: 'function () { return () => arguments[0]; }', free: [] },
    { source: 'function (a = arguments.length) { return a; }', free: [] },
    { source: '() => { function f() { return arguments; } return f; }', free: [] },
    { source: 'size() { return arguments.length; }', free: ['__multicoreMethod'] },
    { source: '(o) => o.arguments', free: [] },
    { source: '() => this', free: [] },
    { source: 'function () { return new.target; }', free: [] },
    { source: '() => import.meta.url', free: [] },
    { source: '(x) => import(x)', free: [] },
  ],
  'labels are not variables': [
    { source: '() => { loop: for (;;) { continue loop; } }', free: [] },
    { source: '() => { x: { break x; } }', free: [] },
  ],
  'object literals and patterns': [
    { source: '() => ({ a })', free: ['a'] },
    { source: '() => ({ a() {}, b: 1, "c": 2 })', free: [] },
    { source: '() => { ({ a } = {}); }', free: ['a'] },
    { source: '() => ({ [k]: 1, [m]() {}, get [g]() { return 1; } })', free: ['g', 'k', 'm'] },
    { source: '({ [k]: v }) => v', free: ['k'] },
    { source: '() => { ({ [k]: o.p } = {}); }', free: ['k', 'o'] },
    { source: '() => { [a = b] = []; }', free: ['a', 'b'] },
    { source: '() => ({ ...spread, __proto__: p })', free: ['p', 'spread'] },
    { source: '() => { const { a = 1, b: { c } = {}, ...d } = obj; return a + c + d; }', free: ['obj'] },
    { source: '() => { count++; delete cache[key]; total += 1; }', free: ['cache', 'count', 'key', 'total'] },
  ],
  'classes: names, fields, static blocks, private names': [
    { source: '() => class { field = value; static s = other; [key] = 1; #p = this.#p; }', free: ['key', 'other', 'value'] },
    { source: '() => { class A { static { A.x = outer; } } }', free: ['outer'] },
    { source: '() => class { #x; static has(o) { return #x in o; } }', free: [] },
    { source: '() => class { get x() { return hidden; } }', free: ['hidden'] },
    { source: '() => { class A extends A {} }', free: [] }, // TDZ, not a capture
    { source: '() => (class Inner {}, Inner)', free: ['Inner'] },
    { source: '() => { { class K {} } return K; }', free: ['K'] },
    {
      source: '() => class Node { static make() { return new Node(); } }',
      free: [],
      periscopicWrong: "it declares a class expression's name nowhere, not even inside the class",
    },
    { source: '(base) => class Self extends base { kind = Self.name; }', free: [], periscopicWrong: "it declares a class expression's name nowhere" },
    {
      source: '() => { class A { static { var inBlock = 1; let alsoIn = 2; } } return [inBlock, alsoIn]; }',
      free: ['alsoIn', 'inBlock'],
      periscopicWrong: 'a static block is no scope to it, so what it declares leaks into the enclosing function',
    },
    { source: 'm() { return super.m(); }', free: ['__multicoreMethod'] },
    { source: 'size() { return size; }', free: ['__multicoreMethod', 'size'] }, // a method does not bind its own name
  ],
  'accessors, async functions and generators': [
    { source: 'get size() { return this.n + extra; }', free: ['__multicoreMethod', 'extra'] },
    { source: 'set v(value) { store = value; }', free: ['__multicoreMethod', 'store'] },
    { source: 'async function* gen(xs) { for await (const x of xs) yield (await x) + y; }', free: ['y'] },
    { source: '*items() { yield* source; }', free: ['__multicoreMethod', 'source'] },
    { source: 'async (x) => await x', free: [] },
  ],
  'optional chaining and templates': [
    { source: '(o) => o?.a?.[k]?.(arg)', free: ['arg', 'k'] },
    { source: '(x) => `${x}-${y}`', free: ['y'] },
    { source: '(x) => tag`a${x}b`', free: ['tag'] },
    { source: '(x) => x.tag`t`', free: [] },
  ],
  'let and const before their declaration (TDZ, not a capture)': [
    { source: '() => { const read = () => late; let late = 1; return read(); }', free: [] },
    { source: '() => { x; let x; }', free: [] },
    { source: '() => { let y = y; }', free: [] },
  ],
  'switch: one block for every case, and the discriminant outside it': [
    { source: '(v) => { switch (v) { case 1: let inCase = 1; return inCase; default: return inCase; } }', free: [] },
    { source: '() => { switch (1) { case y: let y; } }', free: [] }, // TDZ, not a capture
    { source: '() => { switch (x) { case 0: let x = 1; } }', free: ['x'], periscopicWrong: "it resolves the discriminant inside the cases' block" },
    { source: '() => { switch ((() => x)()) { case 0: let x = 1; } }', free: ['x'], periscopicWrong: "it resolves the discriminant inside the cases' block" },
  ],
  'for-in and for-of heads': [
    { source: '() => { for (let k in obj) {} return k; }', free: ['k', 'obj'] },
    { source: '() => { for (const v of v) {} }', free: [] },
    { source: '() => { for (var w of list) {} return w; }', free: ['list'] },
    { source: '() => { for (x of xs) {} }', free: ['x', 'xs'] },
    { source: '() => { for (o.p in src) {} }', free: ['o', 'src'] },
    { source: '() => { for (let [a, b = a] of pairs) {} }', free: ['pairs'] },
  ],
  'functions and classes named after themselves': [
    { source: 'function fact(n) { return n < 2 ? 1 : n * fact(n - 1); }', free: [] },
    { source: 'function again() { return () => again; }', free: [] },
    { source: 'function f(a = f) { return a; }', free: [] },
  ],
  'typeof and eval': [
    // Could be a local of the caller, so it counts; a worker global passes inline-analysis's filter.
    { source: '() => typeof maybeDefined', free: ['maybeDefined'] },
    // Only the global `eval`: a direct eval could reach locals no static analysis sees.
    { source: '(code) => eval(code)', free: ['eval'] },
  ],
};

describe('scope analysis of tricky cases', () => {
  for (const [topic, cases] of Object.entries(trickyCases)) {
    it(topic, () => {
      for (const { source, free, periscopicWrong } of cases) {
        const program = parseLikeInline(source);
        assert.ok(program !== undefined, `parses: ${source}`);
        const expected = [...free].sort();
        assert.deepEqual(ours(program), expected, source);
        if (periscopicWrong === undefined) assert.deepEqual(theirs(program), expected, `periscopic agrees: ${source}`);
        else assert.notDeepEqual(theirs(program), expected, `periscopic is still wrong (${periscopicWrong}): ${source}`);
      }
    });
  }

  it('leaves sloppy-only code (with) to the parser, which refuses it', () => {
    assert.equal(parseLikeInline('function (o) { with (o) { return x; } }'), undefined);
  });
});
