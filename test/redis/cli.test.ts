import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { reasons, unsupportedOn } from '../runtimes/support.js';

const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, [cli, ...args]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

describe('multicore worker: arguments', () => {
  it('is listed by multicore --help and explains itself with --help', async () => {
    assert.match((await run('--help')).stdout, /^ {2}worker {2}/m);
    const help = await run('worker', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--tasks PATH/);
    assert.match(help.stdout, /--threads N/);
  });

  it('refuses a missing --tasks, a bad --threads, a non-Redis URL and unknown flags with exit code 2', async () => {
    for (const [args, message] of [
      [['worker'], /--tasks is required/],
      [['worker', '--tasks', 'x.js', '--threads', 'many'], /--threads must be a positive integer/],
      [['worker', '--tasks', 'x.js', '--redis', 'http://h'], /--redis must use redis:\/\/ or rediss:\/\//],
      [['worker', '--tasks', 'x.js', '--tls-cert', 'c.pem'], /--tls-cert and --tls-key go together/],
      [['worker', '--tasks', 'x.js', '--bogus'], /Unknown option '--bogus'/],
    ] as const) {
      const result = await run(...args);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, message);
    }
  });

  it('fault 4: a Redis URL that does not parse is shown without its password, from --redis or REDIS_URL', async () => {
    const bad = await run('worker', '--tasks', 'x.js', '--redis', 'redis://app:TopSecretPw@[::1');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--redis must be a URL like .*, got "redis:\/\/app:\*\*\*@\[::1"/);
    assert.doesNotMatch(bad.stderr + bad.stdout, /TopSecretPw/);
    const fromEnv = await promisify(execFile)(process.execPath, [cli, 'worker', '--tasks', 'x.js'], { env: { ...process.env, REDIS_URL: 'redis://app:Top@Secret:Pw@[::1' } }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal((fromEnv as { code: number }).code, 2);
    assert.doesNotMatch((fromEnv as { stderr: string }).stderr, /Secret|Pw@/);
  });

  const badModules = 'exits 1 with the reason when a task module cannot be imported or exports no function';
  it(badModules, { skip: unsupportedOn({ bun: reasons.bunWorker }, badModules) }, async () => {
    const missing = await run('worker', '--tasks', './no/such/tasks.mjs');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /could not import the task module .*no\/such\/tasks\.mjs/);
    const empty = await run('worker', '--tasks', fileURLToPath(new URL('../fixtures/no-tasks.mjs', import.meta.url)));
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /exports no functions/);
  });
});
