/** What both ends of a process worker agree on, kept apart so the child loads little. */
import { serialize } from 'node:v8';
import { currentRuntime } from '../../system/js-runtime.js';

/** The child's file descriptor for its progress register (after stdin, stdout, stderr, ipc). */
export const registerFd = 4;

/**
 * Deno's send() rejects an uncloneable value only later, asynchronously (the error escapes as an
 * uncaught "Missing promise" or is lost), and leaves the channel broken. There we serialize the
 * message first, as the "advanced" channel itself does, so that it fails synchronously as on Node.
 */
const checkBeforeSend = currentRuntime().name === 'deno';

/** Throws (as child.send() does on Node) when `message` cannot be serialized. */
export function assertSendable(message: unknown): void {
  if (checkBeforeSend) serialize(message);
}

/** child.send() throws a plain Error for values V8 cannot serialize; threads throw DataCloneError. */
export function asDataCloneError(error: unknown): unknown {
  if (error instanceof Error && error.name === 'Error' && /could not be cloned/.test(error.message)) {
    return new DOMException(error.message, 'DataCloneError');
  }
  return error;
}
