import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'acorn';
import { analyzeScopes, type AstNode } from '../../src/tasks/scope-analysis.js';

function freeNames(source: string): string[] {
  const program = parse(`(${source})`, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true });
  return analyzeScopes(program as unknown as AstNode).free;
}

describe('scope analysis of inline functions', () => {
  it('finds names used from outside, and only those', () => {
    assert.deepEqual(freeNames('(x) => x + y'), ['y']);
    assert.deepEqual(freeNames('function f(a, { b, c: [d] }, ...rest) { return f(a + b + d + rest.length); }'), []);
    assert.deepEqual(freeNames('(a = outer) => a'), ['outer']);
    assert.deepEqual(freeNames('() => { counter += 1; }'), ['counter'], 'writes capture too');
    assert.deepEqual(freeNames('() => { [first, second] = [1, 2]; }'), ['first', 'second']);
  });

  it('hoists var and function declarations, and scopes let, const and classes to their block', () => {
    assert.deepEqual(freeNames('() => { use(v); if (true) { var v = 1; } }'), ['use']);
    assert.deepEqual(freeNames('() => { later(); function later() {} }'), []);
    assert.deepEqual(freeNames('() => { { let inner = 1; } return inner; }'), ['inner']);
    assert.deepEqual(freeNames('() => { class Box { m() { return Box; } } return new Box(); }'), []);
    assert.deepEqual(freeNames('() => { for (let i = 0; i < 3; i++) {} return i; }'), ['i']);
    assert.deepEqual(freeNames('() => { for (const key of keys) {} }'), ['keys']);
    assert.deepEqual(freeNames('() => { try {} catch ({ message }) { return message; } }'), []);
  });

  it('keeps defaults and switch discriminants out of the scopes they precede', () => {
    assert.deepEqual(freeNames('(a = b) => { var b; return a; }'), ['b'], "a default cannot see the body's var");
    assert.deepEqual(freeNames('() => { try {} catch ({ a = b }) { let b; } }'), ['b'], "nor a catch parameter's its block's let");
    assert.deepEqual(freeNames('() => { switch (x) { case 0: let x; } }'), ['x']);
  });

  it('binds arguments in every function but arrows', () => {
    assert.deepEqual(freeNames('function () { return () => arguments[0]; }'), []);
    assert.deepEqual(freeNames('() => arguments[0]'), ['arguments']);
  });

  it('does not mistake property names, labels and object keys for variables', () => {
    assert.deepEqual(freeNames('(o) => o.missing + o["also"] + ({ key: 1, [computed]: 2 }).key'), ['computed']);
    assert.deepEqual(freeNames('() => { outer: for (;;) { break outer; } }'), []);
    assert.deepEqual(freeNames('() => class { field = 1; #secret = 2; static { this.x = 3; } method() { return this.#secret; } }'), []);
    assert.deepEqual(freeNames('({ shorthand }) => ({ shorthand, other })'), ['other']);
  });

  it('lists import() calls and import.meta, where the source depends on its module', () => {
    const source = "async () => [await import('./helper.js'), import.meta.url]";
    const program = parse(`(${source})`, { ecmaVersion: 'latest', sourceType: 'module' });
    const report = analyzeScopes(program as unknown as AstNode);
    assert.deepEqual(report.free, []);
    assert.equal(report.dynamicImports.length, 1);
    assert.equal(report.importMetas.length, 1);
    const text = `(${source})`;
    assert.equal(text.slice(report.dynamicImports[0]!.start, report.dynamicImports[0]!.sourceStart), 'import(');
    assert.equal(text.slice(report.importMetas[0]!.start, report.importMetas[0]!.end), 'import.meta');
  });
});
