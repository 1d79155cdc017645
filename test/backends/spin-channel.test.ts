/**
 * The spin option's channel (backends/thread/spin-channel.ts), both ends in this thread: what a
 * side polls it takes synchronously, once, in order; what it does not poll still arrives as an
 * event; and what the other side posted but did not count is still there for drain(), which
 * the pool calls when the worker has exited (test/pool/spin.test.ts covers a real exit).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { joinSpinChannel, openSpinChannel } from '../../src/backends/thread/spin-channel.js';

function channelPair() {
  const atParent: unknown[] = [];
  const atWorker: unknown[] = [];
  const { parent, worker: end } = openSpinChannel(0.1, (message) => atParent.push(message));
  const worker = joinSpinChannel(end, (message) => atWorker.push(message));
  const close = () => {
    parent.port.close();
    worker.port.close();
  };
  return { parent, worker, atParent, atWorker, close };
}

describe('the spin channel', () => {
  it('a polling side takes what was posted at once, in order, before any event could deliver it', () => {
    const { parent, worker, atParent, atWorker, close } = channelPair();
    try {
      assert.equal(worker.takeWaiting(), false, 'nothing posted yet');
      parent.post({ n: 1 }, []);
      parent.post({ n: 2 }, []);
      assert.equal(worker.takeWaiting(), true);
      assert.deepEqual(atWorker, [{ n: 1 }, { n: 2 }]);
      assert.equal(worker.takeWaiting(), false, 'each message is handled once');
      worker.post('reply', []);
      assert.equal(parent.takeWaiting(), true);
      assert.deepEqual(atParent, ['reply']);
    } finally {
      close();
    }
  });

  it('a message nobody polls for arrives as an event, once', async () => {
    const { parent, worker, atWorker, close } = channelPair();
    try {
      parent.post('later', []);
      await once(worker.port, 'message');
      assert.deepEqual(atWorker, ['later']);
      assert.equal(worker.takeWaiting(), false, 'the event counted it as handled');
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(atWorker, ['later']);
    } finally {
      close();
    }
  });

  it('poll() stops when there is no more to wait for, and a poll from inside a handler returns at once', () => {
    const handled: string[] = [];
    const { parent, worker: end } = openSpinChannel(5, () => {});
    let polls = 0;
    const worker = joinSpinChannel(end, (message: string) => {
      handled.push(message);
      polls++;
      worker.poll(5, () => true); // nested: must not spin inside the outer poll
    });
    try {
      parent.post('a', []);
      parent.post('b', []);
      worker.poll(5, () => handled.length < 2);
      assert.deepEqual(handled, ['a', 'b']);
      assert.equal(polls, 2);
    } finally {
      parent.port.close();
      worker.port.close();
    }
  });

  it('poll() gives up after the window when nothing comes', () => {
    const { worker, close } = channelPair();
    try {
      let checks = 0;
      worker.poll(1, () => ++checks > 0);
      assert.ok(checks > 1, 'it polled until the window passed, then returned');
    } finally {
      close();
    }
  });

  it('drain() takes what the other side posted even when it did not count it', () => {
    const { parent, worker, atParent, close } = channelPair();
    try {
      // A worker that dies between posting and counting leaves the count behind the port.
      worker.port.postMessage('uncounted');
      assert.equal(parent.takeWaiting(), false, 'the count says nothing waits');
      assert.equal(parent.drain(), true);
      assert.deepEqual(atParent, ['uncounted']);
    } finally {
      close();
    }
  });
});
