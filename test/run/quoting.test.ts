import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { shellQuote } from '../../src/run/quote.js';
import { hostileNames, requireGnuParallel, runBoth } from './helpers.js';

before(requireGnuParallel);

test('substituted values are quoted exactly as GNU parallel quotes them (--dry-run)', async () => {
  const { gnu, ours } = await runBoth(['--dry-run', '-k', 'echo', '{}', 'x{}y', ':::', ...hostileNames, '']);
  assert.equal(gnu.status, 0, gnu.stderr);
  assert.equal(ours.stdout, gnu.stdout);
  assert.equal(ours.status, gnu.status);
});

test('hostile values arrive as one argument each when the jobs run', async () => {
  const { gnu, ours } = await runBoth(['-k', "printf '<%s>\\n'", ':::', ...hostileNames]);
  assert.equal(ours.stdout, gnu.stdout);
  assert.equal(ours.stdout.split('\n').length, hostileNames.length + 1);
  assert.equal(ours.status, 0);
});

test('NUL-separated stdin keeps newlines inside values', async () => {
  const names = [...hostileNames, 'line\nbreak', 'ends with newline\n'];
  const stdin = names.join('\0') + '\0';
  const { gnu, ours } = await runBoth(['-0', '-k', "printf '[%s]\\n'"], { stdin });
  assert.equal(ours.stdout, gnu.stdout);
  assert.match(ours.stdout, /\[line\nbreak\]/);
});

test('-q quotes the command words, so shell syntax in them stays literal', async () => {
  const { gnu, ours } = await runBoth(['-q', '-k', 'printf', '%s|%s\\n', 'a b;c', '{}', ':::', 'x y', '$z']);
  assert.equal(ours.stdout, gnu.stdout);
  const dry = await runBoth(['-q', '--dry-run', '-k', 'echo', '{}x', "it's", ':::', 'p q']);
  assert.equal(dry.ours.stdout, dry.gnu.stdout);
});

test('random strings of special characters are quoted like GNU parallel', async () => {
  const alphabet = ['a', 'Z', '0', ' ', "'", '"', '\\', '$', '`', '!', '*', '?', '[', '~', '#', '-', '.', '/', '=', '%', '\t', 'é', '{', '}', ';', '&', '|', '<', '>', '(', ')'];
  // A fixed linear congruential sequence: reproducible, and wide enough to mix every character.
  let state = 12345;
  const next = (bound: number): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % bound;
  };
  const values = Array.from({ length: 150 }, () =>
    Array.from({ length: 1 + next(8) }, () => alphabet[next(alphabet.length)]).join(''),
  );
  const { gnu, ours } = await runBoth(['-0', '--dry-run', '-k', 'echo'], { stdin: values.join('\0') });
  assert.equal(ours.stdout, gnu.stdout);
});

test('shellQuote leaves safe words alone and single-quotes the rest', () => {
  assert.equal(shellQuote('abc-_.+/XYZ09'), 'abc-_.+/XYZ09');
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote("'"), `"'"`);
  assert.equal(shellQuote("a'b"), `'a'"'"'b'`);
  assert.equal(shellQuote('a b'), "'a b'");
});
