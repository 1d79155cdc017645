/**
 * What a chunk looks like in Redis, in one place for both sides. A job's data and a job's return
 * value are both an envelope: `{ body, mac? }`, the body being one encoded value in base64 (BullMQ
 * stores data and return values as JSON) and the mac its signature when a secret is set.
 *
 * Anything that can write to Redis can add jobs and completion events, so both sides read an
 * envelope in the same order, each step bounded by what the previous one checked: the body's
 * length against maxJobBytes, then the signature, then the bytes (payload-check.ts), and only then
 * the decoded value's shape. Every refusal is a PayloadError whose message says why.
 */
import type { ChunkResult } from '../backend.js';
import { decodeValue } from './codec.js';
import { PayloadError } from './payload-check.js';
import { sign, verify, type SignedKind, type SigningContext } from './signing.js';

/** What a worker puts in front of the reason when it rejects a job, for the pool to recognise. */
export const rejectionPrefix = 'ERR_JOB_REJECTED: ';

export interface Envelope {
  body: string;
  mac?: string;
}

/** What both sides need to seal and open envelopes. */
export interface WireOptions {
  /** Absent: bodies travel unsigned, and signatures are not checked. */
  secret: Buffer | undefined;
  maxJobBytes: number;
}

/** The decoded body of a job. */
export interface ChunkJob {
  /** A name from the worker's task set; looked up in a Set, never on an object. */
  task: string;
  start: number;
  spread: boolean;
  settle: boolean;
  items: unknown[];
  /** Per-item time limit in ms, enforced by the serving worker's threads; absent for none. */
  timeout?: number;
  /** The call listens to emit(): the worker sends each emitted value as the job's progress. */
  emits?: boolean;
}

/** The decoded body of one emitted value (a job's progress): which item of the job, and what. */
export interface EmittedValue {
  index: number;
  data: unknown;
}

/** Arguments of one call with spread (starmap): V8 overflows its stack near 120,000. */
export const maxArguments = 65_536;

/** The base64 length of `bytes` bytes. */
function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/** Wraps encoded bytes; the signature is made when the job id is known (see sealBody). */
export function sealBody(kind: SignedKind, body: string, context: SigningContext, wire: WireOptions): Envelope {
  return wire.secret === undefined ? { body } : { body, mac: sign(wire.secret, kind, context, body) };
}

/** The body's bytes, once its size and signature are checked. Throws a PayloadError. */
export function openEnvelope(kind: SignedKind, envelope: unknown, context: SigningContext, wire: WireOptions): Buffer {
  if (typeof envelope !== 'object' || envelope === null) throw new PayloadError(`the ${kind} is not an envelope object`);
  const { body, mac } = envelope as Record<string, unknown>;
  if (typeof body !== 'string') throw new PayloadError(`the ${kind} has no body string`);
  if (body.length > base64Length(wire.maxJobBytes)) {
    throw new PayloadError(`the ${kind} holds about ${Math.floor((body.length / 4) * 3)} bytes, more than maxJobBytes (${wire.maxJobBytes})`);
  }
  if (wire.secret !== undefined) {
    if (mac === undefined) throw new PayloadError(`the ${kind} is not signed, and a secret is set here: give producers and workers the same secret`);
    if (typeof mac !== 'string' || !verify(wire.secret, kind, context, body, mac)) throw new PayloadError(`the ${kind}'s signature is wrong: it was not signed with this secret, or was changed`);
  }
  return Buffer.from(body, 'base64');
}

/** Reads a job's data as a worker. Throws a PayloadError naming the first thing that is wrong. */
export function readJob(data: unknown, context: SigningContext, wire: WireOptions): ChunkJob {
  const decoded = decodeValue(openEnvelope('job', data, context, wire));
  if (typeof decoded !== 'object' || decoded === null) throw new PayloadError('the job is not an object');
  const { task, start, spread, settle, items, timeout, emits } = decoded as Record<string, unknown>;
  if (typeof task !== 'string') throw new PayloadError('the job\'s task is not a string');
  if (typeof start !== 'number' || !Number.isSafeInteger(start) || start < 0) throw new PayloadError('the job\'s start is not an integer ≥ 0');
  if (typeof spread !== 'boolean' || typeof settle !== 'boolean') throw new PayloadError('the job\'s spread and settle are not booleans');
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0) || !(timeout < 2 ** 31))) throw new PayloadError('the job\'s timeout is not a number of milliseconds in (0, 2^31)');
  if (emits !== undefined && typeof emits !== 'boolean') throw new PayloadError('the job\'s emits is not a boolean');
  if (!Array.isArray(items)) throw new PayloadError('the job\'s items are not an array');
  if (spread) {
    for (const args of items) {
      if (!Array.isArray(args)) throw new PayloadError('with spread, every item of the job must be an argument list');
      // Spreading copies the list onto the stack: past this, a call fails anyway, after a large allocation.
      if (args.length > maxArguments) throw new PayloadError(`an argument list holds ${args.length} arguments, more than a call takes (${maxArguments})`);
    }
  }
  const job: ChunkJob = { task, start, spread, settle, items };
  if (timeout !== undefined) job.timeout = timeout as number;
  if (emits === true) job.emits = true;
  return job;
}

/** Reads a job's progress as the pool that sent `count` items: one emitted value. Throws a PayloadError. */
export function readEmitted(progress: unknown, count: number, context: SigningContext, wire: WireOptions): EmittedValue {
  const decoded = decodeValue(openEnvelope('emit', progress, context, wire)) as Partial<EmittedValue> | null;
  if (typeof decoded !== 'object' || decoded === null) throw new PayloadError('the emitted value is not an object');
  const { index } = decoded;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count) throw new PayloadError(`the emitted value's index is not an item of the job (0 to ${count - 1})`);
  return { index, data: decoded.data };
}

/** Reads a job's return value as the pool that sent `count` items. Throws a PayloadError. */
export function readOutcome(returnvalue: unknown, count: number, context: SigningContext, wire: WireOptions): ChunkResult {
  const outcome = decodeValue(openEnvelope('result', returnvalue, context, wire)) as Partial<ChunkResult> | null;
  if (typeof outcome !== 'object' || outcome === null) throw new PayloadError('the result is not an object');
  const { results, errors, duration } = outcome;
  if (!Array.isArray(results) || results.length > count) throw new PayloadError(`the result does not hold at most ${count} results`);
  if (typeof duration !== 'number' || !(duration >= 0)) throw new PayloadError('the result\'s duration is not a number ≥ 0');
  if (errors === undefined) {
    if (results.length !== count) throw new PayloadError(`the result holds ${results.length} results for ${count} items, and no errors`);
    return { results, duration };
  }
  if (!Array.isArray(errors) || errors.length === 0 || errors.length > count) throw new PayloadError('the result\'s errors are not a list of 1 to the item count');
  for (const entry of errors) {
    if (!Array.isArray(entry) || entry.length !== 2 || !Number.isInteger(entry[0]) || entry[0] < 0 || entry[0] >= count) {
      throw new PayloadError('the result holds an error that is not [item index, error]');
    }
    checkSerializedError(entry[1], 0);
  }
  return { results, errors, duration };
}

/** The shape that deserializeError relies on; causes nest at most as deep as serializeError writes them. */
function checkSerializedError(value: unknown, depth: number): void {
  if (depth > 16) throw new PayloadError('the result holds errors nested too deep');
  if (typeof value !== 'object' || value === null) throw new PayloadError('the result holds an error that is not an object');
  const error = value as Record<string, unknown>;
  if (error.kind === 'value') {
    if (typeof error.description !== 'string') throw new PayloadError('the result holds a thrown value without a description');
    return;
  }
  if (error.kind !== 'error' || typeof error.name !== 'string' || typeof error.message !== 'string') {
    throw new PayloadError('the result holds an error without a kind, name or message');
  }
  if (error.stack !== undefined && typeof error.stack !== 'string') throw new PayloadError('the result holds an error whose stack is not a string');
  if (typeof error.props !== 'object' || error.props === null || Array.isArray(error.props)) throw new PayloadError('the result holds an error without props');
  if (error.cause !== undefined) checkSerializedError(error.cause, depth + 1);
  if (error.errors !== undefined) {
    if (!Array.isArray(error.errors)) throw new PayloadError('the result holds an AggregateError whose errors are not a list');
    for (const inner of error.errors) checkSerializedError(inner, depth + 1);
  }
}
