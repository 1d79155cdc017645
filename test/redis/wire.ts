/**
 * The Redis wire format written by hand, as an attacker (or another implementation) would:
 * envelopes `{ body, mac? }` around v8-serialized bytes, signed with HMAC-SHA256 over
 * "multicore <job|result> 1\n<queue>\n<job id>\n<body>" (see docs/distributed.md).
 */
import { createHmac } from 'node:crypto';
import { serialize } from 'node:v8';

export interface Envelope {
  body: string;
  mac?: string;
}

export function mac(secret: string, kind: 'job' | 'result', queue: string, jobId: string, body: string): string {
  return createHmac('sha256', secret).update(`multicore ${kind} 1\n${queue}\n${jobId}\n`).update(body).digest('base64');
}

/** An envelope around raw bytes, signed when `signing` is given. */
export function envelope(bytes: Uint8Array, signing?: { secret: string; kind: 'job' | 'result'; queue: string; jobId: string }): Envelope {
  const body = Buffer.from(bytes).toString('base64');
  return signing === undefined ? { body } : { body, mac: mac(signing.secret, signing.kind, signing.queue, signing.jobId, body) };
}

/** A well-formed chunk job's bytes. */
export function jobBytes(task: string, items: unknown[], spread = false): Buffer {
  return serialize({ task, start: 0, spread, settle: false, items });
}
