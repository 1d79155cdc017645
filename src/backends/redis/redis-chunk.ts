/** A chunk of the Redis backend, from submitted to settled, and the refusals made before it is sent. */
import { JobRejectedError } from '../../errors.js';
import { unsendableArguments } from '../../transport/unsendable.js';
import type { ChunkSpec } from '../backend.js';
import { PendingChunk, type ChunkControl } from '../backend-base.js';
import { encodeValue } from './codec.js';
import type { ChunkJob, WireOptions } from './job-format.js';
import { checkPayload, PayloadError } from './payload-check.js';
import type { QueueLink } from './queue-link.js';

/** 'preparing' until its job is in Redis, 'waiting' there, 'active' once a worker took it. */
export type RedisChunkState = 'preparing' | 'waiting' | 'active';

export class RedisChunk extends PendingChunk {
  state: RedisChunkState = 'preparing';
  /** The queue of its task module, once open. */
  link: QueueLink | undefined = undefined;
  jobId: string | undefined = undefined;
  /** The encoded ChunkJob in base64: signed, when a secret is set, once its job id is known. */
  body = '';
  /** Why it cannot be sent (see encodeJob); it fails as soon as it is dispatched. */
  refusal: Error | undefined = undefined;
  /** The call's emit listener (see SubmitOptions.onEmit). */
  onEmit: ((index: number, data: unknown) => void) | undefined = undefined;

  constructor(
    readonly spec: ChunkSpec,
    control: ChunkControl,
  ) {
    super(control);
  }

  /** The task's name, also the BullMQ job's name. */
  get taskName(): string {
    return this.spec.task.name;
  }

  /** The positions of its items in the call's input. */
  get positions(): number[] {
    return this.spec.items.map((_, i) => this.spec.start + i);
  }
}

/**
 * Encodes the chunk as a job, refusing before anything is sent what a worker would refuse:
 * too large, or not decodable at bounded cost (JobRejectedError), or values that cannot be
 * serialized (TaskSerializationError).
 */
export function encodeJob(spec: ChunkSpec, timeout: number | undefined, emits: boolean, wire: WireOptions): string {
  const job: ChunkJob = { task: spec.task.name, start: spec.start, spread: spec.spread, settle: spec.settle, items: spec.items };
  if (timeout !== undefined) job.timeout = timeout;
  if (emits) job.emits = true;
  let bytes: Buffer;
  try {
    bytes = encodeValue(job);
  } catch (error) {
    throw unsendableArguments(spec, error, 'a Redis worker');
  }
  const items = spec.items.map((_, i) => spec.start + i);
  if (bytes.length > wire.maxJobBytes) {
    throw new JobRejectedError('pool', `it encodes to ${bytes.length} bytes, more than maxJobBytes (${wire.maxJobBytes}); pass a smaller chunksize, or raise maxJobBytes here and --max-job-bytes on the workers`, items);
  }
  try {
    checkPayload(bytes);
  } catch (error) {
    if (!(error instanceof PayloadError)) throw unsendableArguments(spec, error, 'a Redis worker');
    throw new JobRejectedError('pool', `it cannot be sent, as a worker would refuse it: ${error.message}`, items);
  }
  return bytes.toString('base64');
}

