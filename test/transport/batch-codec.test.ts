import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serialize, deserialize } from 'node:v8';
import { packChunks, packOutcomes, unpackChunks, unpackOutcomes } from '../../dist/transport/batch-codec.js';
import type { ChunkOutcome, ChunkRequest } from '../../dist/transport/messages.js';

/** What the wire does to a message: structured clone, as postMessage and advanced IPC do. */
const overTheWire = <T>(value: T): T => deserialize(serialize(value)) as T;

describe('the wire form of a batch', () => {
  it('gives back every chunk as it was: flags, tasks shared or not, inline sources sent or not', () => {
    const moduleTask = { kind: 'module' as const, module: 'file:///tasks.mjs', name: 'double' };
    const chunks: ChunkRequest[] = [
      { id: 7, task: moduleTask, start: 0, items: [1, 2, 3], spread: false, settle: false },
      { id: 8, task: { ...moduleTask }, start: 3, items: [[4, 5]], spread: true, settle: true, stoppable: true },
      { id: 9, task: { kind: 'module', module: 'file:///tasks.mjs', name: 'other' }, start: 0, items: [], spread: false, settle: true, emits: true },
      { id: 10, task: { kind: 'inline', hash: 'h1', name: 'f', source: '(x) => x' }, start: 0, items: [{ a: 1 }], spread: false, settle: false, stoppable: true, emits: true },
      { id: 11, task: { kind: 'inline', hash: 'h1', name: 'f' }, start: 1, items: [{ a: 2 }], spread: false, settle: false },
    ];
    const packed = overTheWire(packChunks(chunks));
    assert.deepEqual(unpackChunks(packed), chunks);
    // The two equal module refs go once; the inline ref with its source and the one without it are two.
    assert.equal(packed.tasks.length, 4);
  });

  it('gives back every outcome, errors only where there were some', () => {
    const error = { name: 'Error', message: 'boom', stack: 'Error: boom' } as never;
    const outcomes: ChunkOutcome[] = [
      { id: 1, results: [2, 4], duration: 0.5 },
      { id: 2, results: [undefined], errors: [[0, error]], duration: 1.25 },
      { id: 3, results: [], duration: 0 },
      { id: 4, results: [6, 8], errors: [[1, error]], duration: 2 },
    ];
    const packed = overTheWire(packOutcomes(outcomes));
    assert.deepEqual(unpackOutcomes(packed), outcomes);
    assert.deepEqual(packed.errors.map(([position]) => position), [1, 3]);
  });

  it('an empty batch stays empty', () => {
    assert.deepEqual(unpackChunks(overTheWire(packChunks([]))), []);
    assert.deepEqual(unpackOutcomes(overTheWire(packOutcomes([]))), []);
  });
});
