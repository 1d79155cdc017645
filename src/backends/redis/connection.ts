/** Both sides hand BullMQ the same ioredis options; this is where they are adapted to it. */
import type { ConnectionOptions } from 'bullmq';
import type { RedisConnectionOptions } from '../../options/redis-options.js';
import type * as BullMQ from 'bullmq';
import type * as IORedis from 'ioredis';
import { MissingDependencyError } from '../../errors.js';

export interface Drivers {
  bullmq: typeof BullMQ;
  ioredis: typeof IORedis;
}

/** The optional peer dependencies that Redis pools and `multicore worker` need. */
const driverPackages = ['bullmq', 'ioredis'] as const;

/** Imports both drivers; names every missing one in a single MissingDependencyError. */
async function importDrivers(): Promise<Drivers> {
  const settled = await Promise.allSettled([import('bullmq'), import('ioredis')]);
  const missing = driverPackages.filter((name, i) => settled[i]!.status === 'rejected' && isNotFound(settled[i] as PromiseRejectedResult, name));
  if (missing.length > 0) {
    const cause = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')!.reason;
    throw new MissingDependencyError("backend: 'redis' (and `multicore worker`)", [...missing], { cause });
  }
  const [bullmq, ioredis] = settled.map((outcome) => {
    // Installed but broken (a failing import inside the package): that error, as it is.
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  }) as [typeof BullMQ, typeof IORedis];
  return { bullmq, ioredis };
}

function isNotFound(outcome: PromiseRejectedResult, name: string): boolean {
  const error = outcome.reason as { code?: unknown; message?: unknown };
  return error?.code === 'ERR_MODULE_NOT_FOUND' && typeof error.message === 'string' && error.message.includes(`'${name}'`);
}

let drivers: Promise<Drivers> | undefined;

/**
 * BullMQ and ioredis, imported on first use: they take most of a second to load, which every
 * program importing multicore would otherwise pay even if it never uses Redis.
 */
export function loadDrivers(): Promise<Drivers> {
  drivers ??= importDrivers();
  return drivers;
}

/**
 * maxRetriesPerRequest null: commands wait for a reconnection instead of failing one by one
 * (BullMQ requires it for blocking connections). The producer bounds the wait itself.
 * The cast: BullMQ's copy of the type differs only in how optional properties are spelled.
 */
export function bullmqConnection(options: RedisConnectionOptions | IORedis.RedisOptions): ConnectionOptions {
  return { ...options, maxRetriesPerRequest: null } as ConnectionOptions;
}
