/** Both sides hand BullMQ the same ioredis options; this is where they are adapted to it. */
import type { ConnectionOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import type * as BullMQ from 'bullmq';
import type * as IORedis from 'ioredis';

export interface Drivers {
  bullmq: typeof BullMQ;
  ioredis: typeof IORedis;
}

async function importDrivers(): Promise<Drivers> {
  const [bullmq, ioredis] = await Promise.all([import('bullmq'), import('ioredis')]);
  return { bullmq, ioredis };
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
export function bullmqConnection(options: RedisOptions): ConnectionOptions {
  return { ...options, maxRetriesPerRequest: null } as ConnectionOptions;
}
