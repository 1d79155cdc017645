/**
 * Real files with hostile names (spaces, quotes, $, newlines, leading dashes, unicode), fed to
 * both GNU parallel and multicore run the way people do it: `find -print0 | parallel -0 ...`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { hostileNames, requireGnuParallel, runBoth, runGnu, runOurs, stableJoblog, temporaryDirectory } from './helpers.js';

before(requireGnuParallel);
const temp = temporaryDirectory();
after(temp.remove);

const names = [...hostileNames, 'new\nline', 'ends in newline\n', '-rf', '--version', '-', '$(touch PWNED)', 'x;touch PWNED'];
const files = path.join(temp.dir, 'files');
mkdirSync(path.join(files, 'dir'), { recursive: true });
for (const name of names) writeFileSync(path.join(files, name), `content of ${JSON.stringify(name)}\n`);
const list = names.join('\0') + '\0';

function assertNoInjection(): void {
  assert.ok(!readdirSync(files).includes('PWNED'), 'a file name was run as a command');
}

test('every hostile file reaches the command as one argument', async () => {
  for (const args of [
    ['-0', '-k', 'cat', '--', '{}'],
    ['-0', '-k', 'wc', '-c', '<', '{}'],
    ['-0', '-k', "printf '[%s] [%s] [%s] [%s]\\n'", '{/}', '{//}', '{.}', '{/.}'],
    ['-0', '-k', '--tag', 'test', '-f', '{}', '&&', 'echo', 'ok'],
    ['-0', '-k', 'cat', '--'],
  ]) {
    const { gnu, ours } = await runBoth(args, { stdin: list, cwd: files });
    assert.equal(gnu.status, 0, `${args.join(' ')}: ${gnu.stderr}`);
    assert.equal(ours.stdout, gnu.stdout, args.join(' '));
    assert.equal(ours.stderr, gnu.stderr, args.join(' '));
    assert.equal(ours.status, gnu.status, args.join(' '));
  }
  assertNoInjection();
});

test('hostile names in ::: and :::: sources, through --dry-run and real runs', async () => {
  const listFile = path.join(temp.dir, 'list.txt');
  writeFileSync(listFile, names.filter((name) => !name.includes('\n')).join('\n') + '\n');
  for (const args of [
    ['-k', '--dry-run', 'cp', '--', '{}', '{.}.bak', '::::', listFile],
    ['-k', 'ls', '-d', '--', '{}', '::::', listFile],
    ['-k', "printf '%s|%s\\n'", '{1}', '{2}', ':::', ...names.slice(0, 8), ':::', '-n', '$HOME'],
  ]) {
    const { gnu, ours } = await runBoth(args, { cwd: files });
    assert.equal(ours.stdout, gnu.stdout, args.join(' '));
    assert.equal(ours.status, gnu.status, args.join(' '));
  }
  assertNoInjection();
});

test('the joblog quotes hostile names in its Command column like GNU parallel', async () => {
  const gnuLog = path.join(temp.dir, 'gnu.log');
  const ourLog = path.join(temp.dir, 'ours.log');
  const args = ['-0', '-k', 'test', '-s', '{}', '&&', 'grep', '-q', 'line', '{}'];
  const gnu = await runGnu(['--joblog', gnuLog, ...args], { stdin: list, cwd: files });
  const ours = await runOurs(['--joblog', ourLog, ...args], { stdin: list, cwd: files });
  assert.deepEqual(stableJoblog(readFileSync(ourLog, 'utf8')), stableJoblog(readFileSync(gnuLog, 'utf8')));
  assert.equal(ours.status, gnu.status);
  assert.ok(ours.status! > 0 && ours.status! < names.length, `some jobs fail: ${String(ours.status)}`);
});

test('copies made from hostile names are the same files', async () => {
  const copy = async (run: typeof runGnu, into: string) => {
    mkdirSync(path.join(temp.dir, into, 'dir'), { recursive: true });
    return run(['-0', 'cp', '--', '{}', path.join('..', into, '{}.copy')], { stdin: list, cwd: files });
  };
  const gnu = await copy(runGnu, 'gnu-copies');
  const ours = await copy(runOurs, 'our-copies');
  assert.equal(ours.status, gnu.status);
  assert.equal(ours.status, 0, ours.stderr);
  const listing = (dir: string) => readdirSync(path.join(temp.dir, dir), { recursive: true }).map(String).sort();
  assert.deepEqual(listing('our-copies'), listing('gnu-copies'));
  assert.equal(listing('our-copies').length, names.length + 1);
  assertNoInjection();
});
