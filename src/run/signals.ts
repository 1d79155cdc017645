import os from 'node:os';

/** The number of a signal by name (SIGTERM → 15), as the joblog and exit statuses need it. */
export function osSignalNumber(signal: NodeJS.Signals): number {
  return os.constants.signals[signal] ?? 0;
}
