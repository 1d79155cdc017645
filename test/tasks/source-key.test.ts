import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { sourceKey } from '../../src/tasks/source-key.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

const run = promisify(execFile);

/** FNV-1a, 64 bits, over UTF-16 code units, with BigInt: the definition, slowly. */
function reference(source: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < source.length; i++) hash = ((hash ^ BigInt(source.charCodeAt(i))) * 0x100000001b3n) % 2n ** 64n;
  return `${hash.toString(16).padStart(16, '0')}-${source.length.toString(36)}`;
}

describe('sourceKey', () => {
  it('is FNV-1a with 64 bits, then the length', () => {
    // Published FNV-1a 64 test values, for ASCII text.
    assert.equal(sourceKey(''), 'cbf29ce484222325-0');
    assert.equal(sourceKey('a'), 'af63dc4c8601ec8c-1');
    assert.equal(sourceKey('foobar'), '85944171f73967e8-6');
    for (const source of ['(x) => x * x', 'function f(a, b) { return a + b; }', 'é ü — 名前 😀', '\uffff\u0000'.repeat(50), 'x'.repeat(10_000)]) {
      assert.equal(sourceKey(source), reference(source), JSON.stringify(source.slice(0, 20)));
    }
  });

  it('tells apart sources that differ in one character, their order or their length', () => {
    const sources = ['(x) => x + 1', '(x) => x + 2', '(x) => 1 + x', '(x) => x + 1 ', '(y) => y + 1', 'ab', 'ba', 'a\u0100', 'a\u0000'];
    assert.equal(new Set(sources.map(sourceKey)).size, sources.length);
  });
});

describe('an inline call', () => {
  it('does not load node:crypto in the program that makes it', { skip: unsupportedOn({ bun: reasons.nodeCommandLine, deno: reasons.nodeCommandLine }, 'inline call and node:crypto') }, async () => {
    const index = pathToFileURL(fileURLToPath(new URL('../../dist/bundle/index.js', import.meta.url))).href;
    const program = `
      import { Pool } from ${JSON.stringify(index)};
      const pool = new Pool(1);
      const squares = await pool.map((x) => x * x, [1, 2, 3]);
      await pool.terminate();
      const loaded = process.moduleLoadList.filter((name) => /\\bcrypto\\b/.test(name));
      console.log(JSON.stringify({ squares, loaded }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', program], { timeout: 60_000, killSignal: 'SIGKILL' });
    assert.deepEqual(JSON.parse(stdout), { squares: [1, 4, 9], loaded: [] });
  });
});
