import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FifoQueue } from '../../src/backends/local/fifo-queue.js';

describe('FifoQueue', () => {
  it('hands items out first in, first out, in batches', () => {
    const queue = new FifoQueue<number>();
    for (let i = 0; i < 5000; i++) queue.push(i);
    const taken: number[] = [];
    while (queue.length > 0) taken.push(...queue.take(64));
    assert.deepEqual(taken, Array.from({ length: 5000 }, (_, i) => i));
    assert.deepEqual(queue.take(3), []);
  });

  it('puts a returned item back at the front, also after the front moved', () => {
    const queue = new FifoQueue<string>();
    queue.push('a');
    queue.push('b');
    queue.push('c');
    const [first] = queue.take(1);
    queue.unshift(first!);
    queue.unshift('z');
    assert.deepEqual([...queue], ['z', 'a', 'b', 'c']);
  });

  it('removes an item from the middle and reports whether it was there', () => {
    const queue = new FifoQueue<string>();
    for (const item of ['a', 'b', 'c', 'd']) queue.push(item);
    queue.take(1);
    assert.equal(queue.remove('a'), false, 'already taken');
    assert.equal(queue.remove('c'), true);
    assert.deepEqual(queue.drain(), ['b', 'd']);
    assert.equal(queue.length, 0);
  });

  it('keeps its order across compactions', () => {
    const queue = new FifoQueue<number>();
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 997; i++) queue.push(next++);
      for (const item of queue.take(900)) assert.equal(item, expected++);
    }
    for (const item of queue.drain()) assert.equal(item, expected++);
    assert.equal(expected, next);
  });

  it('take() keeps to a budget by weight, but always hands out the first item', () => {
    const queue = new FifoQueue<number>();
    for (const size of [3, 3, 3, 10]) queue.push(size);
    const weight = (size: number) => size;
    assert.deepEqual(queue.take(64, 7, weight), [3, 3], 'a third would exceed 7');
    assert.deepEqual(queue.take(64, 2, weight), [3], 'the first goes even over the budget');
    assert.deepEqual(queue.take(64, Infinity, weight), [10]);
  });
});
