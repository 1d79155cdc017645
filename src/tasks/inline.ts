/**
 * Inline task functions travel as source text and are compiled once per worker. Before one is
 * sent, its source is parsed to find names it uses from outside its own body: those would be
 * undefined in the worker, so we refuse the call up front with the names, instead of letting
 * the worker fail later with a bare ReferenceError.
 *
 * A function's `import('./x.js')` and `import.meta` belong to the module it was written in; in a
 * worker they would mean multicore's own folder. So when a source has them, they are rewritten
 * to resolve against the module that called the pool (see transpiler-helpers.ts).
 */
import { pathToFileURL } from 'node:url';
import type { TaskRef } from '../transport/messages.js';
import type { InlineSource } from './inline-analysis.js';
import { sourceKey } from './source-key.js';

export type InlineTaskRef = Extract<TaskRef, { kind: 'inline' }> & { source: string };

/** The URL of the module that called the pool, read from a stack; undefined from a REPL or eval. */
export type CallerModule = () => string | undefined;

type Analysis = typeof import('./inline-analysis.js');

interface Analyzed {
  source: InlineSource;
  /** The ref when the source does not depend on its module; otherwise one per calling module. */
  plain: InlineTaskRef | undefined;
  byCaller: Map<string, InlineTaskRef>;
}

const analyzed = new WeakMap<Function, Analyzed>();
const bySource = new Map<string, Analyzed>();
let analysis: Analysis | undefined;
let loadingAnalysis: Promise<Analysis> | undefined;

/**
 * Describes an inline function for the workers, or throws TaskCaptureError / TypeError. Returns
 * a promise only the first time a program sends an inline function, while the parser loads.
 */
export function inlineTaskRef(fn: Function, caller: CallerModule): InlineTaskRef | Promise<InlineTaskRef> {
  let entry = analyzed.get(fn);
  if (entry === undefined) {
    if (analysis === undefined) {
      // The caller is read from the current stack, which is gone once the parser has loaded.
      const known = caller();
      loadingAnalysis ??= import('./inline-analysis.js').then((loaded) => (analysis = loaded));
      return loadingAnalysis.then(() => inlineTaskRef(fn, () => known));
    }
    const text = Function.prototype.toString.call(fn);
    entry = bySource.get(text);
    if (entry === undefined) {
      const source = analysis.analyzeSource(text, fn.name);
      const dependsOnModule = source.dynamicImports.length > 0 || source.importMetas.length > 0;
      entry = { source, plain: dependsOnModule ? undefined : toRef(source, source.expression), byCaller: new Map() };
      bySource.set(text, entry);
    }
    analyzed.set(fn, entry);
  }
  if (entry.plain !== undefined) return entry.plain;
  const base = caller();
  const key = base ?? '';
  let ref = entry.byCaller.get(key);
  if (ref === undefined) {
    ref = toRef(entry.source, rewriteForModule(entry.source, base));
    entry.byCaller.set(key, ref);
  }
  return ref;
}

function toRef(source: InlineSource, expression: string): InlineTaskRef {
  return { kind: 'inline', hash: sourceKey(expression), name: source.name, source: expression };
}

/** Replaces `import(` and `import.meta` with helper calls bound to the calling module. */
function rewriteForModule(source: InlineSource, base: string | undefined): string {
  if (base === undefined && source.importMetas.length > 0) {
    throw new TypeError(
      `The inline function${source.name === '' ? '' : ` '${source.name}'`} uses import.meta, which means the module that calls the pool, ` +
        'but this call comes from no module (a REPL or eval). Pass the URL or path it needs as an argument instead.',
    );
  }
  // Node resolves the relative imports of a REPL or `node -e` against the working directory.
  const moduleUrl = JSON.stringify(base ?? pathToFileURL(`${process.cwd()}/`).href);
  const edits = [
    ...source.dynamicImports.map(({ start, sourceStart }) => ({ start, end: sourceStart, text: `__multicoreImport(${moduleUrl}, ` })),
    ...source.importMetas.map(({ start, end }) => ({ start, end, text: `__multicoreMeta(${moduleUrl})` })),
  ].sort((a, b) => b.start - a.start);
  let expression = source.expression;
  for (const edit of edits) expression = expression.slice(0, edit.start) + edit.text + expression.slice(edit.end);
  return expression;
}
