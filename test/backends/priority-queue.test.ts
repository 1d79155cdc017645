import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PriorityQueue } from '../../src/backends/local/priority-queue.js';

interface Item {
  name: string;
  priority: number;
  items: number;
}

const item = (name: string, priority = 0, items = 1): Item => ({ name, priority, items });
const names = (items: Iterable<Item>) => [...items].map((entry) => entry.name);
const queueOf = (...items: Item[]) => {
  const queue = new PriorityQueue<Item>(
    (entry) => entry.priority,
    (entry) => entry.items,
  );
  for (const entry of items) queue.push(entry);
  return queue;
};

describe('PriorityQueue', () => {
  it('higher priorities leave first; equal ones keep submission order', () => {
    const queue = queueOf(item('a'), item('b', 5), item('c', -1), item('d', 5), item('e'), item('f', 10));
    assert.deepEqual(names(queue), ['f', 'b', 'd', 'a', 'e', 'c']);
    assert.deepEqual(names(queue.take(3)), ['f', 'b', 'd']);
    assert.deepEqual(names(queue.take(10)), ['a', 'e', 'c']);
    assert.equal(queue.length, 0);
  });

  it('counts items and their weight as they come and go', () => {
    const queue = queueOf(item('a', 0, 3), item('b', 1, 4), item('c', 0, 5));
    assert.equal(queue.length, 3);
    assert.equal(queue.weight, 12);
    queue.take(1);
    assert.equal(queue.weight, 8);
    assert.equal(queue.remove(queue.take(0)[0] ?? item('x')), false, 'an item never queued');
    const [first] = [...queue];
    assert.equal(queue.remove(first!), true);
    assert.equal(queue.weight, 5);
    assert.deepEqual(names(queue.drain()), ['c']);
    assert.equal(queue.weight, 0);
    assert.equal(queue.length, 0);
  });

  it('a chunk put back goes in front of its own priority, not of higher ones', () => {
    const queue = queueOf(item('low1'), item('high', 2), item('low2'));
    const taken = queue.take(3);
    queue.unshift(taken[2]!);
    queue.unshift(taken[1]!);
    queue.push(item('high2', 2));
    assert.deepEqual(names(queue), ['high2', 'low1', 'low2']);
  });

  it('take() keeps to a budget across priorities, always hands out the first item, and lets no lower item overtake', () => {
    const queue = queueOf(item('big', 1, 10), item('small', 0, 1));
    assert.deepEqual(names(queue.take(5, 4)), ['big'], 'the first item goes whatever its weight, and nothing after it past the budget');
    const mixed = queueOf(item('h1', 1, 2), item('h2', 1, 3), item('l1', 0, 1));
    assert.deepEqual(names(mixed.take(5, 4)), ['h1'], 'h2 is held back for the budget, so l1 waits behind it');
    const fits = queueOf(item('h1', 1, 2), item('l1', 0, 1), item('l2', 0, 5));
    assert.deepEqual(names(fits.take(5, 4)), ['h1', 'l1']);
  });

  it('removes from any priority and forgets empty ones', () => {
    const b = item('b', 3);
    const queue = queueOf(item('a', 1), b, item('c', 1));
    assert.equal(queue.remove(b), true);
    assert.equal(queue.remove(b), false);
    queue.push(item('d', 2));
    assert.deepEqual(names(queue), ['d', 'a', 'c']);
  });
});
