/** A Redis URL as ioredis options: TLS names the server (SNI) by host name, never by IP address. */
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { describe, it } from 'node:test';
import { redisConnection } from '../../dist/options/redis-options.js';

describe('redisConnection', () => {
  it('gives a rediss:// host name as the TLS servername, and an IP address none, as node:net isIP() tells them', () => {
    const hosts = ['redis.example.com', 'localhost', '127.0.0.1', '10.1.2.3', '255.255.255.255', '256.1.1.1', '127.1', '01.2.3.4', '1.2.3.4.5', '[::1]', '[2001:db8::7]'];
    for (const host of hosts) {
      const options = redisConnection('redis', `rediss://${host}:6380`);
      const bare = host.replace(/^\[(.*)\]$/, '$1');
      assert.equal(options.host, bare, host);
      assert.deepEqual(options.tls, isIP(bare) === 0 ? { servername: bare } : {}, host);
    }
  });

  it('reads a plain redis:// URL without TLS, defaulting host and port', () => {
    assert.deepEqual(redisConnection('redis', 'redis://'), { host: '127.0.0.1', port: 6379 });
    assert.deepEqual(redisConnection('redis', 'rediss://'), { host: '127.0.0.1', port: 6379, tls: {} });
    assert.deepEqual(redisConnection('redis', 'redis://u:p%40ss@[::1]:7000/2'), { host: '::1', port: 7000, username: 'u', password: 'p@ss', db: 2 });
  });
});
