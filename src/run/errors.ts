import { MulticoreError } from '../errors.js';

/**
 * A command line that `multicore run` cannot accept: an unknown option, a bad value, or a GNU
 * parallel option outside the supported subset. The CLI prints the message and exits with 255,
 * like GNU parallel does for its own usage errors.
 */
export class RunUsageError extends MulticoreError {
  constructor(message: string) {
    super('ERR_RUN_USAGE', message);
  }
}
