/** What both ends of a process worker agree on, kept apart so the child loads little. */

/** The child's file descriptor for its progress register (after stdin, stdout, stderr, ipc). */
export const registerFd = 4;

/** child.send() throws a plain Error for values V8 cannot serialize; threads throw DataCloneError. */
export function asDataCloneError(error: unknown): unknown {
  if (error instanceof Error && error.name === 'Error' && /could not be cloned/.test(error.message)) {
    return new DOMException(error.message, 'DataCloneError');
  }
  return error;
}
