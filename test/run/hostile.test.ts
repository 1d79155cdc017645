/**
 * Hostile inputs through both runners: NUL bytes, bytes that are not UTF-8, 10 MB lines, 1e5
 * arguments, and outputs far larger than the in-memory bound (which spill to a temporary file).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, test } from 'node:test';
import { compareCases, requireGnuParallel, runBoth, withTestProcesses } from './helpers.js';
import { spillBytes } from '../../src/run/output/held.js';
import { shellRunScript } from '../runtimes/support.js';

before(requireGnuParallel);

const digest = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

test('NUL and invalid UTF-8 in -0 records, --tag and the joblog-less paths', async () => {
  const records = Buffer.from('a\xff b\0\xe9\n\0plain\0', 'latin1');
  await compareCases([
    { args: ['-0', '-k', 'printf', '[%s]\\n'], input: { stdin: records } },
    { args: ['-0', '-k', '--tag', 'echo'], input: { stdin: records } },
    { args: ['-0', '-k', '--dry-run', 'echo', '{.}'], input: { stdin: records } },
    { args: ['-k', '--colsep', '\\xff', 'echo', '{2}'], input: { stdin: Buffer.from('a\xffb\n', 'latin1') } },
  ], assert.equal);
});

test('a 10 MB line passes through --pipe whole; as an argument it stops the run like GNU', async () => {
  const line = Buffer.alloc(10_000_000, 'a');
  const input = Buffer.concat([line, Buffer.from('\nshort\n')]);
  const piped = await runBoth(['--pipe', '-k', 'wc', '-c'], { stdin: input });
  assert.equal(piped.ours.stdout, piped.gnu.stdout);
  assert.equal(piped.ours.status, 0);
  const argument = await runBoth(['-k', 'echo'], { stdin: input });
  assert.equal(argument.ours.status, argument.gnu.status);
  assert.equal(argument.ours.stdout, argument.gnu.stdout);
});

test('1e5 arguments: every one reaches a job, in order, with -X and with --pipe', async () => {
  const stdin = Array.from({ length: 100_000 }, (_, i) => String(i)).join('\n') + '\n';
  const xargs = await runBoth(['-k', '-j2', '-X', 'echo'], { stdin });
  // Where the lines split depends on each runner's command-line limit; the words do not.
  const words = (text: string) => text.split(/\s+/).filter((word) => word !== '').join(' ');
  assert.equal(words(xargs.ours.stdout), words(xargs.gnu.stdout));
  assert.equal(xargs.ours.status, 0);
  const piped = await runBoth(['--pipe', '-k', '--block', '100k', 'wc', '-l'], { stdin });
  assert.equal(piped.ours.stdout, piped.gnu.stdout);
});

test('outputs past the in-memory bound, with and without newlines, come out unchanged', async () => {
  const bytes = spillBytes * 2 + 12345;
  const noNewline = `head -c ${bytes} /dev/zero | tr '\\0' x; echo end {}`;
  const lines = `yes 'a line of output {}' | head -c ${bytes}`;
  for (const args of [
    ['-k', '-j2', noNewline, ':::', '1', '2'],
    ['-k', '-j2', '--line-buffer', noNewline, ':::', '1', '2'],
    ['-k', '-j2', '--tag', lines, ':::', '1', '2'],
    ['-k', '-j2', '--line-buffer', '--tag', lines, ':::', '1', '2'],
  ]) {
    const { gnu, ours } = await runBoth(args);
    assert.equal(ours.stdoutBytes.length, gnu.stdoutBytes.length, args.join(' '));
    assert.equal(digest(ours.stdoutBytes), digest(gnu.stdoutBytes), args.join(' '));
    assert.equal(ours.status, 0);
  }
});

test('a reader that closes our stdout early (| head -1) ends the run with 141, as GNU, no crash', async () => {
  const { spawnSync } = await import('node:child_process');
  const { cli } = await import('./helpers.js');
  const statuses: string[] = [];
  for (const runner of ['parallel', `${shellRunScript(cli)} run`]) {
    for (const command of ['-j1 echo', '--pipe --block 10 -k cat']) {
      const script = `seq 1 2000 | PARALLEL_SHELL=/bin/sh ${runner} ${command} | head -1; echo "\${PIPESTATUS[1]}"`;
      const result = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
      assert.doesNotMatch(result.stderr, /EPIPE|Error|at .*js/, result.stderr);
      statuses.push(result.stdout);
    }
  }
  assert.deepEqual(statuses.slice(2), statuses.slice(0, 2));
  assert.deepEqual(statuses.slice(2), ['1\n141\n', '1\n141\n']);
});

test('--line-buffer -k --tag: a waiting job that spilled to a file keeps its partial last line whole', () => withTestProcesses(async (processes) => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = (await import('node:path')).default;
  const digests: string[] = [];
  for (const run of [(await import('./helpers.js')).runGnu, (await import('./helpers.js')).runOurs]) {
    const dir = mkdtempSync(path.join(tmpdir(), 'multicore-lb-'));
    try {
      // Job 1 waits until job 2 has written far more than the bound, ending in a partial line
      // (for 60 s at most: a job 2 that never gets there fails the run instead of hanging it).
      const script = `if [ {} = 1 ]; then i=0; while [ ! -e ${dir}/done ]; do i=$((i + 1)); [ $i -lt 3000 ] || exit 7; sleep 0.02; done; echo first; else yes 'a line {}' | head -c ${spillBytes * 2 + 5}; touch ${dir}/done; sleep 0.3; echo ' and the rest'; fi`;
      const result = await run(['-k', '-j2', '--line-buffer', '--tag', script, ':::', '1', '2'], { env: processes.env });
      assert.equal(result.status, 0);
      digests.push(digest(result.stdoutBytes));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  assert.equal(digests[1], digests[0]);
}));
