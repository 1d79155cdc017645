/** The spin option's polling loop (backends/local/busy-poll.ts), without a worker. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BusyPoll } from '../../src/backends/local/busy-poll.js';

/** Holds the thread for `ms`: what a check sees when the loop was off its core that long. */
function holdFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('BusyPoll', () => {
  it('ends done as soon as the check says so', () => {
    let checks = 0;
    assert.equal(new BusyPoll().run(5, () => (++checks === 3 ? 'done' : 'progress')), true);
    assert.equal(checks, 3);
  });

  it('gives up when the window passes with nothing, and progress restarts the window', () => {
    const poll = new BusyPoll();
    // (Timing alone cannot tell here whether it gave up at the window or at a gap: both say false.)
    assert.equal(poll.run(0.5, () => 'nothing'), false);
    // A check that handled something may take longer than the gap that means "preempted".
    let handled = 0;
    assert.equal(new BusyPoll().run(1, () => (++handled <= 3 ? (holdFor(2), 'progress') : 'done')), true);
    assert.equal(handled, 4);
  });

  it('stops at a gap between two empty checks, and does not poll again for a while', () => {
    const poll = new BusyPoll();
    let checks = 0;
    // The first empty check "loses its core" for 1 ms: the loop stops there, not at its 50 ms window.
    assert.equal(poll.run(50, () => (++checks === 1 ? holdFor(1) : undefined, 'nothing')), false);
    assert.equal(checks, 1, 'it stopped at the first check');
    let later = 0;
    assert.equal(poll.run(50, () => (++later, 'done')), false, 'backing off: it does not even check');
    assert.equal(later, 0);
  });
});
