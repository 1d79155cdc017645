/**
 * Whether Redis can be reached, watched on the pool's one control connection. Work that waits
 * longer than `redisTimeout` for it fails with ERR_REDIS_UNAVAILABLE (the watchdog); when the
 * connection comes back after a loss, the backend looks for jobs that Redis lost.
 */
import type { Redis } from 'ioredis';
import { RedisUnavailableError } from '../../errors.js';
import type { NormalizedRedisOptions } from '../../options/redis-options.js';
import type { Drivers } from './connection.js';

export interface ReachabilityEvents {
  /** Redis can be reached again (or for the first time): outcomes may have been missed meanwhile. */
  reconnected(): void;
  /** Redis stayed away past redisTimeout while work waited: that work fails, each chunk with an error of `unavailable()`. */
  timedOut(unavailable: () => RedisUnavailableError): void;
  /** Whether any work waits, so that the watchdog has something to guard. */
  busy(): boolean;
}

export class Reachability {
  readonly #options: NormalizedRedisOptions;
  readonly #events: ReachabilityEvents;
  #control: Redis | undefined;
  #reachable = false;
  #unreachableSince = Date.now();
  #lastError: unknown;
  #watchdog: NodeJS.Timeout | undefined;

  constructor(options: NormalizedRedisOptions, events: ReachabilityEvents) {
    this.#options = options;
    this.#events = events;
  }

  get reachable(): boolean {
    return this.#reachable;
  }

  /** The connection has been asked for: from now on, time away from Redis counts. */
  get connecting(): boolean {
    return this.#control !== undefined;
  }

  /** The last error any connection reported, for the cause of ERR_REDIS_UNAVAILABLE. */
  record(error: unknown): void {
    this.#lastError = error;
  }

  /** The control connection, created on first use. Commands on it wait for a reconnection; the watchdog bounds the wait. */
  client({ Redis }: Drivers['ioredis']): Redis {
    if (this.#control !== undefined) return this.#control;
    const control = new Redis({ ...this.#options.connection, maxRetriesPerRequest: null });
    control.on('ready', () => this.#onReachable());
    control.on('close', () => this.#onUnreachable());
    control.on('error', (error: unknown) => this.record(error));
    this.#control = control;
    this.#unreachableSince = Date.now();
    this.arm();
    return control;
  }

  /** Refused by Redis (wrong password, ACL) or cut off: the same answer as unreachable. */
  unavailable(cause: unknown): RedisUnavailableError {
    return new RedisUnavailableError(this.#options.server, this.#reachable ? undefined : Date.now() - this.#unreachableSince, { cause });
  }

  /** Starts the watchdog if Redis is away and work waits. */
  arm(): void {
    if (this.#reachable || this.#watchdog !== undefined || !this.#events.busy()) return;
    const { redisTimeout, server } = this.#options;
    const delay = Math.max(0, this.#unreachableSince + redisTimeout - Date.now());
    this.#watchdog = setTimeout(() => {
      this.#watchdog = undefined;
      const waited = Date.now() - this.#unreachableSince;
      this.#events.timedOut(() => new RedisUnavailableError(server, waited, { cause: this.#lastError }));
    }, delay);
  }

  disarm(): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
  }

  disconnect(): void {
    this.disarm();
    this.#control?.disconnect();
  }

  #onReachable(): void {
    const wasAway = !this.#reachable;
    this.#reachable = true;
    this.disarm();
    if (wasAway) this.#events.reconnected();
  }

  #onUnreachable(): void {
    if (!this.#reachable) return;
    this.#reachable = false;
    this.#unreachableSince = Date.now();
    this.arm();
  }
}
