import assert from 'node:assert/strict';
import { test } from 'node:test';
import { multicore } from '../helpers.js';
import { closest } from '../../src/cli/tool-options.js';

test('multicore --bogus is an unknown option, not an unknown command; exit 2', async () => {
  const { code, stderr } = await multicore('--bogus');
  assert.equal(code, 2);
  assert.match(stderr, /^multicore: unknown option '--bogus'\./);
  assert.match(stderr, /Run 'multicore --help'/);
  assert.doesNotMatch(stderr, /unknown command/);
});

test('a misspelt command suggests the nearest one; exit 2', async () => {
  const { code, stderr } = await multicore('scael');
  assert.equal(code, 2);
  assert.match(stderr, /^multicore: unknown command 'scael'\. Did you mean 'scale'\?\nRun 'multicore --help' for the commands\.\n$/);
  assert.doesNotMatch((await multicore('zzzzzz')).stderr, /Did you mean/, 'no suggestion when nothing is near');
});

test('help and version exit 0; no command at all exits 2 with the usage', async () => {
  assert.equal((await multicore('--help')).code, 0);
  assert.match((await multicore('--version')).stdout, /^\d+\.\d+\.\d+\n$/);
  const none = await multicore();
  assert.equal(none.code, 2);
  assert.match(none.stdout, /^Usage: multicore <command>/);
});

test('did-you-mean: near names by edit distance or prefix, nothing for far ones', () => {
  assert.equal(closest('itmes', ['items', 'repeat']), 'items');
  assert.equal(closest('max', ['items', 'max-workers']), 'max-workers');
  assert.equal(closest('jsn', ['json', 'path']), 'json');
  assert.equal(closest('bogus', ['json', 'path', 'root', 'help']), undefined);
});
