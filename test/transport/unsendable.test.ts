import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUncloneable } from '../../dist/transport/clone-check.js';
import { unsendableArguments, unsendableResult, unsendableValue } from '../../dist/transport/unsendable.js';

describe('the one wording of a value that cannot be sent', () => {
  it('names the item, the path, what the value is and the receiver', () => {
    const cause = new Error('could not be cloned');
    const error = unsendableArguments({ items: [1, { callback: () => 1 }], spread: false, start: 10 }, cause, 'a Redis worker');
    assert.equal(error.code, 'ERR_TASK_SERIALIZATION');
    assert.equal(error.index, 11);
    assert.equal(error.cause, cause);
    assert.match(error.message, /^Item 11 cannot be sent to a Redis worker: item\.callback is a function, which structured clone cannot copy\. Pass plain data \(.*BigInt.*\), or create the value inside the task\.$/);
  });

  it('says "arguments" for argument lists, and falls back to the copy error when no item is to blame', () => {
    const spread = unsendableArguments({ items: [[1, Symbol('s')]], spread: true, start: 0 }, new Error('x'), 'a worker');
    assert.match(spread.message, /^Item 0 cannot be sent to a worker: arguments\[1\] is a symbol/);
    const none = unsendableArguments({ items: [1, 2], spread: false, start: 0 }, new Error('the port is closed'), 'a worker');
    assert.equal(none.index, undefined);
    assert.equal(none.message, 'The arguments could not be sent to a worker: the port is closed');
  });

  it('words a result the same way, with or without a culprit', () => {
    const culprit = findUncloneable({ make: () => 1 }, 'result');
    assert.ok(culprit !== undefined);
    const found = unsendableResult(4, culprit, culprit.error);
    assert.equal(found.index, 4);
    assert.match(found.message, /^The result of item 4 cannot be sent back from the worker: result\.make is a function, which structured clone cannot copy\. Return plain data \(/);
    const cause = new Error('clones once, throws the next time');
    const unknown = unsendableResult(2, undefined, cause);
    assert.equal(unknown.message, 'The result of item 2 could not be sent back from the worker.');
    assert.equal(unknown.cause, cause);
  });

  it('words any other value with its culprit, or with the copy error ending in one period', () => {
    const found = unsendableValue('emit(data) could not send data', { at: () => 1 }, 'data', new Error('x'), 3, ' Emit plain data.');
    assert.equal(found.index, 3);
    assert.match(found.message, /^emit\(data\) could not send data: data\.at is a function, which structured clone cannot copy\. Emit plain data\.$/);
    // Structured clone copies a SharedArrayBuffer, so only the copy's own message can say why another codec refused it.
    const cause = new Error('#<SharedArrayBuffer> could not be cloned.');
    const unknown = unsendableValue('The results cannot be sent back through Redis', [new SharedArrayBuffer(1)], 'results', cause, 0, ' Return plain data.');
    assert.equal(unknown.message, 'The results cannot be sent back through Redis: #<SharedArrayBuffer> could not be cloned. Return plain data.');
    assert.equal(unknown.cause, cause);
  });
});
