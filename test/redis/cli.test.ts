import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { multicore as run } from '../helpers.js';
import { reasons, unsupportedOn } from '../runtimes/support.js';

describe('multicore worker: arguments', () => {
  it('is listed by multicore --help and explains itself with --help', async () => {
    assert.match((await run('--help')).stdout, /^ {2}worker {2}/m);
    const help = await run('worker', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--tasks PATH/);
    assert.match(help.stdout, /--threads N/);
    assert.match(help.stdout, /--tasks-per-thread N/);
  });

  it('refuses a missing --tasks, a bad --threads, a non-Redis URL and unknown flags with exit code 2', async () => {
    for (const [args, message] of [
      [['worker'], /--tasks is required/],
      [['worker', '--tasks', 'x.js', '--threads', 'many'], /--threads must be a positive integer/],
      [['worker', '--tasks', 'x.js', '--tasks-per-thread', '0'], /--tasks-per-thread must be a positive integer/],
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
    const fromEnv = await run('worker', '--tasks', 'x.js', { env: { REDIS_URL: 'redis://app:Top@Secret:Pw@[::1' } });
    assert.equal(fromEnv.code, 2);
    assert.doesNotMatch(fromEnv.stderr, /Secret|Pw@/);
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
