/** What a worker slot (backends/local/worker-slot.ts) does with its broadcasts when its worker goes, without starting a worker. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notStarted } from '../../src/backends/local/worker-handle.js';
import { WorkerSlot, type SlotEvents } from '../../src/backends/local/worker-slot.js';
import type { ToWorkerMessage } from '../../src/transport/messages.js';

const events: SlotEvents = { message() {}, exit() {}, initFailed() {} };

/** A slot over a handle that keeps what it is sent. */
function slotWithFakeWorker(): { slot: WorkerSlot; sent: ToWorkerMessage[] } {
  const sent: ToWorkerMessage[] = [];
  const slot = new WorkerSlot(0, () => ({ ...notStarted, send: (message) => void sent.push(message) }), undefined, events);
  return { slot, sent };
}

describe('WorkerSlot.rejectBroadcasts', () => {
  it('builds no error when no broadcast waits: a worker stopped on purpose (every terminate()) has none', () => {
    const { slot } = slotWithFakeWorker();
    let built = 0;
    slot.rejectBroadcasts(() => {
      built++;
      return new Error('nobody sees this');
    });
    assert.equal(built, 0);
  });

  it('fails every broadcast waiting with the one error it builds, then holds none', async () => {
    const { slot, sent } = slotWithFakeWorker();
    const task = { kind: 'module', module: 'file:///tasks.mjs', name: 'f' } as const;
    const first = slot.broadcast(1, task, []);
    const second = slot.broadcast(2, task, []);
    assert.deepEqual(
      sent.map((message) => message.type),
      ['init', 'broadcast', 'broadcast'],
    );
    let built = 0;
    const error = new Error('the worker exited');
    slot.rejectBroadcasts(() => {
      built++;
      return error;
    });
    assert.equal(built, 1);
    await assert.rejects(first, (reason) => reason === error);
    await assert.rejects(second, (reason) => reason === error);
    assert.equal(slot.broadcasts.size, 0);
  });
});
