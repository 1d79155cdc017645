/**
 * Inline task functions travel as source text and are compiled once per worker. Before one is
 * sent, its source is parsed to find names it uses from outside its own body: those would be
 * undefined in the worker, so we refuse the call up front with the names, instead of letting
 * the worker fail later with a bare ReferenceError.
 */
import type { TaskRef } from '../transport/messages.js';

export type InlineTaskRef = Extract<TaskRef, { kind: 'inline' }> & { source: string };

type Analysis = typeof import('./inline-analysis.js');

const analyzed = new WeakMap<Function, InlineTaskRef>();
const bySource = new Map<string, InlineTaskRef>();
let analysis: Analysis | undefined;
let loadingAnalysis: Promise<Analysis> | undefined;

/**
 * Describes an inline function for the workers, or throws TaskCaptureError / TypeError. Returns
 * a promise only the first time a program sends an inline function, while the parser loads.
 */
export function inlineTaskRef(fn: Function): InlineTaskRef | Promise<InlineTaskRef> {
  const cached = analyzed.get(fn);
  if (cached !== undefined) return cached;
  if (analysis === undefined) {
    loadingAnalysis ??= import('./inline-analysis.js').then((loaded) => (analysis = loaded));
    return loadingAnalysis.then(() => inlineTaskRef(fn));
  }
  const text = Function.prototype.toString.call(fn);
  let ref = bySource.get(text);
  if (ref === undefined) {
    ref = analysis.analyzeSource(text, fn.name);
    bySource.set(text, ref);
  }
  analyzed.set(fn, ref);
  return ref;
}
