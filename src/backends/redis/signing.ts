/**
 * Signed work (the `secret` option, `multicore worker --secret-file`): every job and every result
 * carries an HMAC-SHA256 of its body, keyed by a secret that producers and workers share. The
 * signed text names what it is (job or result), the queue and the job id, so that a signature
 * cannot be moved: a result signed for one job is not valid for another, nor is a job for a result.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignedKind = 'job' | 'result' | 'emit';

/** Where a body belongs; part of what is signed. */
export interface SigningContext {
  queue: string;
  jobId: string;
}

export function sign(secret: Buffer, kind: SignedKind, context: SigningContext, body: string): string {
  return createHmac('sha256', secret).update(`multicore ${kind} 1\n${context.queue}\n${context.jobId}\n`).update(body).digest('base64');
}

/** Constant-time comparison, so that the signature cannot be guessed byte by byte. */
export function verify(secret: Buffer, kind: SignedKind, context: SigningContext, body: string, mac: string): boolean {
  const expected = Buffer.from(sign(secret, kind, context, body));
  const given = Buffer.from(mac);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
