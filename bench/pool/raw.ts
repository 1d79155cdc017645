/**
 * The raw baseline: one worker_threads Worker that echoes numbers, with no pool in between. It
 * bounds what any pool over postMessage can reach on this machine.
 */
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';

export interface RawChannel {
  /** Posts `count` messages at once and resolves when all the echoes are back; returns ms. */
  pipelined(count: number): Promise<number>;
  /** Posts one message and awaits its echo, `count` times in a row; returns ms. */
  pingPong(count: number): Promise<number>;
  close(): Promise<void>;
}

export async function openRawChannel(): Promise<RawChannel> {
  const worker = new Worker(new URL('./workers/raw.mjs', import.meta.url));
  await once(worker, 'online');
  let onEcho: () => void = () => {};
  worker.on('message', () => onEcho());
  return {
    async pipelined(count) {
      const started = performance.now();
      const allBack = new Promise<void>((resolve) => {
        let received = 0;
        onEcho = () => {
          if (++received === count) resolve();
        };
      });
      for (let id = 0; id < count; id++) worker.postMessage(id);
      await allBack;
      return performance.now() - started;
    },
    async pingPong(count) {
      const started = performance.now();
      for (let id = 0; id < count; id++) {
        const back = new Promise<void>((resolve) => {
          onEcho = resolve;
        });
        worker.postMessage(id);
        await back;
      }
      return performance.now() - started;
    },
    async close() {
      await worker.terminate();
    },
  };
}
