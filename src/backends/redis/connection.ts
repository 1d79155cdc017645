/** Both sides hand BullMQ the same ioredis options; this is where they are adapted to it. */
import type { ConnectionOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';

/**
 * maxRetriesPerRequest null: commands wait for a reconnection instead of failing one by one
 * (BullMQ requires it for blocking connections). The producer bounds the wait itself.
 * The cast: BullMQ's copy of the type differs only in how optional properties are spelled.
 */
export function bullmqConnection(options: RedisOptions): ConnectionOptions {
  return { ...options, maxRetriesPerRequest: null } as ConnectionOptions;
}
