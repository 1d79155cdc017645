import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Pool, RedisUnavailableError, type ModuleTask } from 'multicore';
import { freePort, remoteTasks, startRedis, startWorker, stopWorker } from './servers.js';

const add: ModuleTask<(a: number, b: number) => number> = { module: remoteTasks, name: 'add' };

describe('Redis with a password (ACL user)', () => {
  it('producer and worker authenticate from the URL; a wrong password fails clearly', async () => {
    const redis = await startRedis(() => ['--user', 'default', 'off', '--user', 'app', 'on', '>s3cret pass', '~bull:*', '&*', '+@all']);
    const url = `redis://app:${encodeURIComponent('s3cret pass')}@127.0.0.1:${redis.port}/0`;
    const worker = await startWorker(url);
    assert.doesNotMatch(worker.banner, /s3cret/, 'the banner never shows the password');
    const pool = new Pool({ backend: 'redis', redis: url });
    const intruder = new Pool({ backend: 'redis', redis: `redis://app:wrong@127.0.0.1:${redis.port}`, redisTimeout: 500 });
    try {
      assert.deepEqual(await pool.starmap(add, [[1, 2], [3, 4]]), [3, 7]);
      await assert.rejects(intruder.apply(add, [1, 2]), (error: RedisUnavailableError) => {
        assert.equal(error.code, 'ERR_REDIS_UNAVAILABLE');
        assert.match(error.message, /WRONGPASS|invalid username-password/i);
        return true;
      });
    } finally {
      await intruder.terminate();
      await pool.terminate();
      await stopWorker(worker);
      await redis.stop();
    }
  });
});

describe('Redis over TLS', () => {
  it('rediss:// and TLS options reach a redis-server that only speaks TLS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'multicore-tls-'));
    const file = (name: string) => join(dir, name);
    const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
    writeFileSync(file('san.cnf'), 'subjectAltName = IP:127.0.0.1\n');
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=multicore test CA', '-keyout', file('ca.key'), '-out', file('ca.pem'));
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', file('server.key'), '-out', file('server.csr'));
    openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '1', '-out', file('server.pem'), '-extfile', file('san.cnf'));
    const tlsPort = await freePort();
    const redis = await startRedis(() => [
      '--port', '0', '--tls-port', String(tlsPort), '--tls-cert-file', file('server.pem'), '--tls-key-file', file('server.key'),
      '--tls-ca-cert-file', file('ca.pem'), '--tls-auth-clients', 'no',
    ]);
    const worker = await startWorker(`rediss://127.0.0.1:${tlsPort}`, { args: ['--tls-ca', file('ca.pem')] });
    const pool = new Pool({ backend: 'redis', redis: { host: '127.0.0.1', port: tlsPort, tls: { ca: readFileSync(file('ca.pem')) } } });
    try {
      assert.match(worker.banner, /\(TLS\)/);
      assert.equal(await pool.apply(add, [40, 2]), 42);
    } finally {
      await pool.terminate();
      await stopWorker(worker);
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
