/**
 * What a chunk looks like as a BullMQ job, in one place for both sides. A job carries the
 * task's name and the encoded items, never code; its return value is the encoded outcome.
 * The worker checks every field, since anything that can write to Redis can add jobs.
 */
import type { SerializedError } from '../../transport/error-codec.js';
import { decodeValue } from './codec.js';

export interface ChunkJobData {
  /** A name from the worker's task set; looked up in a Map, never on an object. */
  task: string;
  start: number;
  spread: boolean;
  settle: boolean;
  /** encodeValue(items) */
  items: string;
  /** Per-item time limit in ms, enforced by the serving worker's threads; absent for none. */
  timeout?: number;
}

/** The decoded return value of a chunk job: ChunkOutcome without the pool-local id. */
export interface RemoteOutcome {
  results: unknown[];
  errors?: [number, SerializedError][];
  duration: number;
}

/** Throws a TypeError naming the first field that is wrong. */
export function parseJobData(data: unknown): { task: string; start: number; spread: boolean; settle: boolean; items: unknown[]; timeout: number | undefined } {
  if (typeof data !== 'object' || data === null) throw new TypeError('job data must be an object');
  const { task, start, spread, settle, items, timeout } = data as Record<string, unknown>;
  if (typeof task !== 'string') throw new TypeError('job data: task must be a string');
  if (typeof start !== 'number' || !Number.isInteger(start) || start < 0) throw new TypeError('job data: start must be an integer ≥ 0');
  if (typeof spread !== 'boolean' || typeof settle !== 'boolean') throw new TypeError('job data: spread and settle must be booleans');
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0))) throw new TypeError('job data: timeout must be a number > 0');
  const decoded = decodeValue(items);
  if (!Array.isArray(decoded)) throw new TypeError('job data: items must encode an array');
  if (spread && !decoded.every(Array.isArray)) throw new TypeError('job data: with spread, every item must be an argument list');
  return { task, start, spread, settle, items: decoded, timeout };
}

/** Throws a TypeError when a return value is not an outcome. */
export function parseOutcome(returnvalue: unknown): RemoteOutcome {
  const outcome = decodeValue(returnvalue) as Partial<RemoteOutcome> | null;
  if (typeof outcome !== 'object' || outcome === null || !Array.isArray(outcome.results) || typeof outcome.duration !== 'number') {
    throw new TypeError('a job returned something that is not a chunk outcome');
  }
  if (outcome.errors !== undefined && !Array.isArray(outcome.errors)) throw new TypeError('a job returned malformed errors');
  return outcome as RemoteOutcome;
}
