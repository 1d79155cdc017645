import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureScript, otherRuntimes, report, runWith } from './runtimes.js';

for (const runtime of ['node', ...otherRuntimes] as const) {
  test(`${runtime}: multicore's errors name their class, and task errors keep the caller's frames`, async () => {
    const result = await runWith(runtime, fixtureScript('stacks.mjs'));
    assert.equal(result.code, 0, result.stderr);
    const stacks = report<Record<'own' | 'apply' | 'applyAgain' | 'map', string>>(result);
    assert.match(stacks.own, /^PoolClosedError: Cannot call pool\.map\(\) after pool\.close\(\)/);
    // The first apply of an inline function waits for the source parser; the second does not.
    for (const name of ['apply', 'applyAgain'] as const) {
      assert.match(stacks[name], /^TypeError: from apply\n/, name);
      // The caller's frame comes right after the marker: none of multicore's frames in between.
      assert.match(stacks[name], /\n {4}at <thread worker>\n {4}at (async )?callsApply /, name);
    }
    assert.match(stacks.map, /^RangeError: from map\n/);
    assert.match(stacks.map, /\n {4}at <thread worker>\n {4}at callsMap /);
    // Neither dist/ nor, where a source map points back to it (Deno), src/ of multicore.
    for (const stack of Object.values(stacks)) assert.doesNotMatch(stack, /\/(dist|src)\/(api|backends|pool|transport|tasks)\//);
  });
}
