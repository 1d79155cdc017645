/**
 * The options that only `backend: 'redis'` understands, validated apart from the others so that
 * pool-options.ts only has to hand them over. A Redis address is a `redis://` or `rediss://` URL
 * or ioredis connection options; both become ioredis options here, once.
 */
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { describe } from '../errors/describe.js';
import { atMostMaxTimer, positiveInteger } from './validate.js';

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
  /**
   * Signs every job and checks the signature of every result (HMAC-SHA256), so that only holders
   * of the secret can feed the workers or answer the pool. At least 16 bytes; workers get the same
   * secret with `--secret-file` or MULTICORE_SECRET. Default: none (unsigned).
   */
  secret?: string | Uint8Array;
  /**
   * The largest encoded job or result, in bytes, that the pool sends or reads; larger ones fail
   * with ERR_JOB_REJECTED. Workers have their own limit (`--max-job-bytes`). Default 64 MiB.
   */
  maxJobBytes?: number;
}

export interface NormalizedRedisOptions {
  connection: RedisOptions;
  /** The server for messages: host:port, never the password. */
  server: string;
  queue: string;
  attempts: number;
  backoff: number;
  redisTimeout: number;
  secret: Buffer | undefined;
  maxJobBytes: number;
}

export const redisOptionNames = ['redis', 'queue', 'attempts', 'backoff', 'redisTimeout', 'secret', 'maxJobBytes'] as const;

const defaultUrl = 'redis://127.0.0.1:6379';

/** 64 MiB: chunks of megabytes are fine, a few of these at once fit a worker's memory. */
export const defaultMaxJobBytes = 64 * 1024 * 1024;

/** What Redis itself accepts for one string (proto-max-bulk-len), so a larger limit means nothing. */
const maxMaxJobBytes = 512 * 1024 * 1024;

const minSecretBytes = 16;

/** Redis options given to another backend are a mistake: throws a TypeError naming the first. */
export function refuseRedisOptions(backend: string, given: Record<string, unknown>): void {
  const misplaced = redisOptionNames.find((name) => given[name] !== undefined);
  if (misplaced !== undefined) throw new TypeError(`Option '${misplaced}' applies only with backend: 'redis' (backend is '${backend}')`);
}

/** The options of a `backend: 'redis'` pool, checked and merged with their defaults. */
export function normalizeRedisOptions(given: Record<string, unknown>): NormalizedRedisOptions {
  const connection = redisConnection('redis', given.redis ?? defaultUrl);
  return {
    connection,
    server: describeServer(connection),
    queue: given.queue === undefined ? 'multicore' : queueName('queue', given.queue),
    attempts: given.attempts === undefined ? 1 : positiveInteger('attempts', given.attempts),
    backoff: given.backoff === undefined ? 1000 : nonNegativeNumber('backoff', given.backoff),
    redisTimeout: given.redisTimeout === undefined ? 10_000 : atMostMaxTimer('redisTimeout', positiveInteger('redisTimeout', given.redisTimeout)),
    secret: given.secret === undefined ? undefined : secretBytes('secret', given.secret),
    maxJobBytes: given.maxJobBytes === undefined ? defaultMaxJobBytes : maxJobBytes('maxJobBytes', given.maxJobBytes),
  };
}

/** A secret as bytes: a string is taken as UTF-8, as `--secret-file` reads its file. */
export function secretBytes(name: string, value: unknown): Buffer {
  let bytes: Buffer;
  if (typeof value === 'string') bytes = Buffer.from(value, 'utf8');
  else if (value instanceof Uint8Array) bytes = Buffer.from(value);
  else throw new TypeError(`${name} must be a string or a Uint8Array, got ${describe(value)}`);
  if (bytes.length < minSecretBytes) {
    throw new RangeError(`${name} must be at least ${minSecretBytes} bytes, got ${bytes.length}: generate one with \`openssl rand -base64 32\``);
  }
  return bytes;
}

export function maxJobBytes(name: string, value: unknown): number {
  const bytes = positiveInteger(name, value);
  if (bytes < 1024 || bytes > maxMaxJobBytes) throw new RangeError(`${name} must be from 1024 to ${maxMaxJobBytes} bytes (Redis's own limit), got ${bytes}`);
  return bytes;
}

/** A URL or ioredis options, as ioredis options (a `rediss:` URL turns TLS on). */
export function redisConnection(name: string, value: unknown): RedisOptions {
  if (typeof value === 'string') return fromUrl(name, value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return checkConnectionOptions(name, { ...(value as RedisOptions) });
  throw new TypeError(`${name} must be a redis:// or rediss:// URL or ioredis options, got ${describe(value)}`);
}

function fromUrl(name: string, text: string): RedisOptions {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RangeError(`${name} must be a URL like redis://user:password@host:6379/0, got ${JSON.stringify(redactUrl(text))}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new RangeError(`${name} must use redis:// or rediss:// (TLS), got ${url.protocol}//`);
  }
  const bracketed = /^\[(.*)\]$/.exec(url.hostname);
  const host = bracketed?.[1] ?? (url.hostname || '127.0.0.1');
  const options: RedisOptions = { host, port: url.port === '' ? 6379 : port(`${name} port`, Number(url.port)) };
  if (url.username !== '') options.username = decodeURIComponent(url.username);
  if (url.password !== '') options.password = decodeURIComponent(url.password);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '') {
    if (!/^\d+$/.test(db)) throw new RangeError(`${name}: the database in the URL path must be a number, got '${db}'`);
    options.db = Number(db);
  }
  // SNI takes host names only; a certificate for an IP address is checked without it. An IPv6
  // address is the bracketed host (which the URL parser has checked); an IPv4 one is what
  // node:net's isIP() takes, written here so that every `import 'multicore'` need not load node:net.
  if (url.protocol === 'rediss:') options.tls = bracketed !== null || isIPv4(host) ? {} : { servername: host };
  return options;
}

const ipv4Part = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)';
const ipv4 = new RegExp(`^${ipv4Part}(?:\\.${ipv4Part}){3}$`);

/** A dotted-quad IPv4 address, as node:net's isIPv4() has it. */
function isIPv4(host: string): boolean {
  return ipv4.test(host);
}

/** The fields of ioredis options that are used before any connection, checked now rather than failing later with NaN. */
function checkConnectionOptions(name: string, options: RedisOptions): RedisOptions {
  if (options.port !== undefined) {
    if (typeof options.port !== 'number') throw new TypeError(`${name}.port must be a number, got ${describe(options.port)}`);
    port(`${name}.port`, options.port);
  }
  for (const field of ['host', 'path', 'username', 'password'] as const) {
    const given = options[field];
    if (given !== undefined && typeof given !== 'string') {
      throw new TypeError(`${name}.${field} must be a string, got ${field === 'password' ? typeof given : describe(given)}`);
    }
  }
  if (options.db !== undefined && (typeof options.db !== 'number' || !Number.isInteger(options.db) || options.db < 0)) {
    throw new RangeError(`${name}.db must be an integer ≥ 0, got ${describe(options.db)}`);
  }
  return options;
}

function port(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new RangeError(`${name} must be an integer from 1 to 65535, got ${value}`);
  return value;
}

/**
 * The text with any password replaced by "***": for messages about a URL that may not parse, so
 * that no error or log line ever shows credentials.
 */
export function redactUrl(text: string): string {
  // Up to the last '@': a password typed without URL encoding may hold '@', ':' and '/'.
  return text.replace(/^([a-z][a-z\d+.-]*:\/\/)(.*)@/is, (_, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return `${scheme}${colon === -1 ? userinfo : `${userinfo.slice(0, colon)}:***`}@`;
  });
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
  return atMostMaxTimer(name, value);
}
