/**
 * The first connection of `multicore worker`: before serving, it waits for Redis to answer,
 * saying where it tries and how often, and gives up after a deadline; a server that refuses the
 * credentials is not retried at all, since trying again cannot help. Once serving, an outage is
 * BullMQ's to ride out (it reconnects for as long as the worker runs).
 */
import type { RedisOptions } from 'ioredis';
import { loadDrivers } from './connection.js';

export interface ReachOptions {
  connection: RedisOptions;
  /** host:port, without credentials. */
  server: string;
  retryMs: number;
  timeoutMs: number;
  log(line: string): void;
}

/** Why the worker could not start: `refused` for credentials, `unreachable` for the deadline. */
export class RedisReachError extends Error {
  readonly kind: 'refused' | 'unreachable';

  constructor(kind: 'refused' | 'unreachable', message: string, options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
  }
}

/** Replies by which Redis says who may connect: never a reason to retry. */
export function isCredentialsRefusal(error: unknown): boolean {
  return error instanceof Error && /\b(WRONGPASS|NOAUTH|NOPERM)\b|invalid (username-)?password/i.test(error.message);
}

export async function waitForRedis(options: ReachOptions): Promise<void> {
  const { Redis } = (await loadDrivers()).ioredis;
  const { server, retryMs, timeoutMs, log } = options;
  const started = Date.now();
  const client = new Redis({ ...options.connection, lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: () => retryMs });
  let failures = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let lastError: unknown;
      const deadline = setTimeout(() => {
        const why = lastError instanceof Error ? ` (${lastError.message})` : '';
        reject(new RedisReachError('unreachable', `gave up after ${timeoutMs} ms (--connect-timeout): Redis at ${server} could not be reached${why}`, { cause: lastError }));
      }, timeoutMs);
      const finish = (error?: unknown) => {
        clearTimeout(deadline);
        if (error === undefined) resolve();
        else reject(error);
      };
      client.on('ready', () => finish());
      client.on('error', (error: Error) => {
        lastError = error;
        if (isCredentialsRefusal(error)) {
          finish(new RedisReachError('refused', `Redis at ${server} refused the credentials (${error.message.replace(/\.$/, '')}): check the user and password in --redis or REDIS_URL`, { cause: error }));
          return;
        }
        // The first failure in full, then a reminder every ten attempts: enough to see it is alive.
        if (failures++ % 10 === 0) {
          const waited = Math.round((Date.now() - started) / 1000);
          log(
            `multicore worker: cannot reach Redis at ${server} (${error.message}); retrying every ${retryMs} ms, ` +
              `${waited} s so far, giving up after ${timeoutMs} ms (--connect-timeout)`,
          );
        }
      });
      client.connect().catch(() => {
        // Reported through the 'error' event above; connect() rejects as well.
      });
    });
  } finally {
    client.disconnect();
  }
}
