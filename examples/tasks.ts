/**
 * The demo's tasks. They live in a module of their own because every worker imports it to find
 * them: a module that creates a Pool at its top level must not be imported by workers. It
 * imports multicore/task, which workers have loaded already, rather than the whole package.
 */
import { task } from 'multicore/task';

/** Seconds each slow hello sleeps; the demo's --quick sets a shorter one before starting workers. */
const sleepSeconds = Number(process.env.MULTICORE_DEMO_SLEEP ?? '3');

export const hello = task(import.meta, function hello(name: string): string {
  return `Hello, ${name}!`;
});

export const slowHello = task(import.meta, function slowHello(name: string): string {
  sleep(sleepSeconds);
  return `Hello, ${name}!`;
});

/** Blocks the thread like Python's time.sleep (an await would let other work run meanwhile). */
function sleep(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}
