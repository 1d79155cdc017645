/**
 * The options that only `backend: 'redis'` understands, validated apart from the others so that
 * pool-options.ts only has to hand them over. A Redis address is a `redis://` or `rediss://` URL
 * or ioredis connection options; both become ioredis options here, once.
 */
import { isIP } from 'node:net';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { describe, positiveInteger } from './validate.js';

/**
 * ioredis connection options. Ours, not ioredis's own type, so that multicore's declarations
 * compile where the optional ioredis is not installed: the usual options are typed, the others
 * reach ioredis as given.
 */
export interface RedisConnectionOptions {
  host?: string;
  port?: number;
  /** A Unix socket instead of host and port. */
  path?: string;
  username?: string;
  password?: string;
  db?: number;
  /** TLS options (as `rediss://` turns on). */
  tls?: TlsOptions;
  [option: string]: unknown;
}

type RedisOptions = RedisConnectionOptions;

export interface RedisPoolOptions {
  /** The Redis server: a `redis://` or `rediss://` (TLS) URL, or ioredis options. Default redis://127.0.0.1:6379. */
  redis?: string | RedisOptions;
  /** The queue's base name; workers must be started with the same `--queue`. Default 'multicore'. */
  queue?: string;
  /**
   * Runs of a chunk before a task error is reported: with 3, a chunk whose task throws is run up
   * to twice more (the whole chunk, on any worker) for transient failures. Default 1.
   */
  attempts?: number;
  /** Milliseconds before a chunk is run again (doubling each time). Default 1000. */
  backoff?: number;
  /** Milliseconds Redis may stay unreachable while work waits before it fails with ERR_REDIS_UNAVAILABLE. Default 10000. */
  redisTimeout?: number;
}

export interface NormalizedRedisOptions {
  connection: RedisOptions;
  /** The server for messages: host:port, never the password. */
  server: string;
  queue: string;
  attempts: number;
  backoff: number;
  redisTimeout: number;
}

export const redisOptionNames = ['redis', 'queue', 'attempts', 'backoff', 'redisTimeout'] as const;

const defaultUrl = 'redis://127.0.0.1:6379';

/** Undefined unless the backend is 'redis'; redis options given to another backend are a mistake. */
export function normalizeRedisOptions(backend: string, given: Record<string, unknown>): NormalizedRedisOptions | undefined {
  if (backend !== 'redis') {
    const misplaced = redisOptionNames.find((name) => given[name] !== undefined);
    if (misplaced !== undefined) throw new TypeError(`Option '${misplaced}' applies only with backend: 'redis' (backend is '${backend}')`);
    return undefined;
  }
  const connection = redisConnection('redis', given.redis ?? defaultUrl);
  return {
    connection,
    server: describeServer(connection),
    queue: given.queue === undefined ? 'multicore' : queueName('queue', given.queue),
    attempts: given.attempts === undefined ? 1 : positiveInteger('attempts', given.attempts),
    backoff: given.backoff === undefined ? 1000 : nonNegativeNumber('backoff', given.backoff),
    redisTimeout: given.redisTimeout === undefined ? 10_000 : positiveInteger('redisTimeout', given.redisTimeout),
  };
}

/** A URL or ioredis options, as ioredis options (a `rediss:` URL turns TLS on). */
export function redisConnection(name: string, value: unknown): RedisOptions {
  if (typeof value === 'string') return fromUrl(name, value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { ...(value as RedisOptions) };
  throw new TypeError(`${name} must be a redis:// or rediss:// URL or ioredis options, got ${describe(value)}`);
}

function fromUrl(name: string, text: string): RedisOptions {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RangeError(`${name} must be a URL like redis://user:password@host:6379/0, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new RangeError(`${name} must use redis:// or rediss:// (TLS), got ${url.protocol}//`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const options: RedisOptions = { host, port: url.port === '' ? 6379 : Number(url.port) };
  if (url.username !== '') options.username = decodeURIComponent(url.username);
  if (url.password !== '') options.password = decodeURIComponent(url.password);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '') {
    if (!/^\d+$/.test(db)) throw new RangeError(`${name}: the database in the URL path must be a number, got '${db}'`);
    options.db = Number(db);
  }
  // SNI takes host names only; a certificate for an IP address is checked without it.
  if (url.protocol === 'rediss:') options.tls = isIP(host) === 0 ? { servername: host } : {};
  return options;
}

/** host:port (and "TLS"), for messages and logs: never the credentials. */
export function describeServer(connection: Pick<RedisConnectionOptions, 'host' | 'port' | 'path' | 'tls'>): string {
  const where = connection.path ?? `${connection.host ?? '127.0.0.1'}:${connection.port ?? 6379}`;
  return connection.tls === undefined ? where : `${where} (TLS)`;
}

/** Queue names become Redis keys and BullMQ refuses ':' in them. */
export function queueName(name: string, value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${describe(value)}`);
  if (!/^[\w.-]{1,100}$/.test(value)) throw new RangeError(`${name} must be 1 to 100 letters, digits, '_', '.' or '-', got ${JSON.stringify(value)}`);
  return value;
}

function nonNegativeNumber(name: string, value: unknown): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number of milliseconds, got ${describe(value)}`);
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number of milliseconds ≥ 0, got ${value}`);
  return value;
}
