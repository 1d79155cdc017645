/**
 * The spawner helper (src/run/launch/helper-launcher.ts) against a child process per job
 * (MULTICORE_RUN_SPAWNER=node): the same command lines must give the same output, exit
 * statuses, joblog, environment and open descriptors either way, and the helper must really be
 * the jobs' parent when perl is there (and not be when it is not).
 */
import assert from 'node:assert/strict';
import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { runOurs, stableJoblog, temporaryDirectory, type RunInput } from './helpers.js';

const temp = temporaryDirectory();
after(temp.remove);

const viaNode = { MULTICORE_RUN_SPAWNER: 'node' };
/** The name the kernel gives the runtime running these tests (and the CLI they start): node, bun.exe, deno. */
const ourProcess = `${readFileSync('/proc/self/comm', 'utf8').trim()}\n`;

/** Runs a command line both ways; returns both results, the joblogs reduced to stable columns. */
async function bothWays(args: string[], input: RunInput = {}) {
  const results = [];
  for (const [name, env] of [['helper', {}], ['node', viaNode]] as const) {
    const log = path.join(temp.dir, `${name}-${Math.random().toString(36).slice(2)}.log`);
    const result = await runOurs(['--joblog', log, ...args], { ...input, env: { ...input.env, ...env } });
    results.push({ ...result, log: stableJoblog(readFileSync(log, 'utf8')) });
  }
  return { helper: results[0]!, node: results[1]! };
}

const cases: [string, string[]][] = [
  ['exit statuses and signals', ['-k', '-j2', 'case {} in 3) exit 3;; term) kill -TERM $$;; kill) kill -KILL $$;; esac; echo {}', ':::', '0', '3', 'term', 'kill']],
  ['stdout and stderr of each job', ['-k', '-j2', 'echo out {}; echo err {} >&2; echo out2 {}', ':::', 'a', 'b', 'c']],
  ['output larger than a pipe read', ['-k', '-j2', 'head -c {} /dev/zero | tr "\\0" x; echo', ':::', '300000', '70000', '1']],
  ['PARALLEL_SEQ and PARALLEL_JOBSLOT', ['-k', '-j1', 'echo $PARALLEL_SEQ $PARALLEL_JOBSLOT {}', ':::', 'a', 'b', 'c']],
  // Which slot a job gets with -j2 depends on which job ended first: only its range is fixed.
  ['PARALLEL_JOBSLOT with -j2', ['-k', '-j2', 'case $PARALLEL_JOBSLOT in 1|2) echo $PARALLEL_SEQ;; esac; : {}', ':::', 'a', 'b', 'c', 'd']],
  ['stdin is /dev/null', ['-k', 'cat; echo read {}', ':::', 'a']],
  ['only stdio is open in a job', ['-k', 'ls /proc/self/fd | wc -l; : {}', ':::', 'a']],
  ['the environment, but for our pid', ['-k', 'env | grep -v "^PARALLEL_PID=\\|^MULTICORE_RUN_SPAWNER=" | sort; : {}', ':::', 'a']],
  ['-u', ['-u', '-k', '-j1', 'echo {}; echo {} >&2', ':::', 'a', 'b']],
  ['--tag and --line-buffer', ['--tag', '--line-buffer', '-k', 'printf "%s\\n%s" {} {}; sleep 0.05; echo', ':::', 'a', 'b']],
  ['a missing command', ['-k', 'no-such-command-{}', ':::', 'a']],
];

for (const [name, args] of cases) {
  test(`the helper runs jobs as a child process per job does: ${name}`, async () => {
    const { helper, node } = await bothWays(args);
    assert.equal(helper.stdoutBytes.toString('latin1'), node.stdoutBytes.toString('latin1'), 'stdout');
    assert.equal(helper.stderr, node.stderr, 'stderr');
    assert.equal(helper.status, node.status, 'status');
    assert.deepEqual(helper.log, node.log, 'joblog');
  });
}

test('the helper passes command lines that are not UTF-8 byte for byte', async () => {
  const name = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]); // "café" in Latin-1, and a newline
  const { helper, node } = await bothWays(['-k', 'printf "%s|" {} | od -An -tx1'], { stdin: name });
  assert.equal(helper.stdout, node.stdout);
  assert.match(helper.stdout, /63 61 66 e9 7c/);
});

test('the jobs\' parent is the helper when perl is on PATH, and our own process when asked', async () => {
  const parent = ['-k', 'cat /proc/$PPID/comm; : {}', ':::', 'a'];
  assert.equal((await runOurs(parent)).stdout, 'perl\n');
  assert.equal((await runOurs(parent, { env: viaNode })).stdout, ourProcess);
});

test('more jobs at once than the helper\'s select() can watch start as a child process each', async () => {
  const result = await runOurs(['-k', '-j', '301', 'cat /proc/$PPID/comm; : {}', ':::', 'a']);
  assert.equal(result.stdout, ourProcess, result.stderr);
});

test('without perl on PATH, jobs start as a child process each', async () => {
  // A PATH with cat but no perl; the job shell is named by its path.
  symlinkSync('/bin/cat', path.join(temp.dir, 'cat'));
  const result = await runOurs(['-k', 'cat /proc/$PPID/comm; : {}', ':::', 'a'], { env: { PATH: temp.dir, PARALLEL_SHELL: '/bin/sh' } });
  assert.equal(result.stdout, ourProcess, result.stderr);
});
