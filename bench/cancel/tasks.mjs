/** The tasks of the cancellation benchmark: one that watches taskSignal(), one that cannot. */
import { taskSignal } from 'multicore';

/** Waits for its signal (bounded at 60 s), then returns at once. */
export function watch() {
  const signal = taskSignal();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 60_000);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve('stopped');
    });
  });
}

/** A CPU-bound loop that never looks at its signal: only stopping its worker ends it. */
export function spin() {
  for (;;);
}

export function noop() {
  return 0;
}
