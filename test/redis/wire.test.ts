import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serialize, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { decodeValue } from '../../src/backends/redis/codec.js';
import { readJob, readOutcome, type WireOptions } from '../../src/backends/redis/job-format.js';
import { checkPayload, heapAllowance, heapFactor, PayloadError } from '../../src/backends/redis/payload-check.js';
import { attacks, decodedSize, fuzzed, random } from './fuzz.js';
import { envelope, jobBytes, mac } from './wire.js';

const context = { queue: 'multicore.remote-tasks.0123456789ab', jobId: 'p1-1' };
const unsigned: WireOptions = { secret: undefined, maxJobBytes: 64 * 1024 * 1024 };
const secret = 'a secret of more than sixteen bytes';
const signed: WireOptions = { secret: Buffer.from(secret), maxJobBytes: 64 * 1024 * 1024 };

/** The documented value types, each of which must cross. */
const documented = [
  new Date(0), new Map([[1, { a: [2] }]]), new Set(['x', 1n]), new Uint8Array([1, 2, 3]), new Float64Array([1.5]), new BigInt64Array([-1n]),
  Buffer.from('hi'), new DataView(new ArrayBuffer(4)), new ArrayBuffer(3), 2n ** 100n, undefined, null, NaN, -0, 'é€😀', /a+/gi,
  new TypeError('bad', { cause: new Error('low') }), [1, , 3], Object.assign([1, 2], { label: 'x' }), { '0': 'index key', x: 1 },
];

describe('the Redis wire format', () => {
  it('keeps every documented value type', () => {
    for (const value of documented) {
      const decoded = decodeValue(serialize(value));
      assert.deepEqual(decoded, value);
    }
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    const back = decodeValue(serialize(cyclic)) as { self: unknown };
    assert.equal(back.self, back);
  });

  it('refuses the payloads of the faults found: 2^32 - 1 slots in 20 bytes, dense or holey, as items or results', () => {
    for (const value of [[new Array(2 ** 32 - 1)], new Array(2 ** 32 - 1), { results: new Array(2 ** 32 - 1) }]) {
      const bytes = serialize(value);
      assert.ok(bytes.length < 60);
      assert.throws(() => checkPayload(bytes), (error: Error) => error instanceof PayloadError && /holey arrays of 4294967295/.test(error.message));
    }
  });

  it('checks the size and the signature before decoding anything', () => {
    const deadly = serialize({ task: 'add', start: 0, spread: true, settle: false, items: [new Array(2 ** 32 - 1)] });
    // Unsigned or wrongly signed: refused for that, not for what the bytes hold.
    assert.throws(() => readJob(envelope(deadly), context, signed), /the job is not signed/);
    const forged = { body: envelope(deadly).body, mac: mac('another secret, also long enough', 'job', context.queue, context.jobId, envelope(deadly).body) };
    assert.throws(() => readJob(forged, context, signed), /signature is wrong/);
    // A signature binds the body to its kind, queue and job id.
    const good = envelope(jobBytes('add', [[1, 2]], true), { secret, kind: 'job', ...context });
    assert.deepEqual(readJob(good, context, signed).items, [[1, 2]]);
    assert.throws(() => readJob(good, { ...context, jobId: 'p1-2' }, signed), /signature is wrong/);
    assert.throws(() => readJob(good, { ...context, queue: 'other' }, signed), /signature is wrong/);
    assert.throws(() => readOutcome(good, 1, context, signed), /signature is wrong/);
    // Argument lists longer than any call can take, even dense ones that the scan lets through.
    assert.throws(() => readJob(envelope(jobBytes('add', [new Array(100_000).fill(0)], true)), context, unsigned), /100000 arguments, more than a call takes/);
    // Over maxJobBytes: refused from the length of the text alone.
    assert.throws(() => readJob({ body: 'A'.repeat(8000) }, context, { secret: undefined, maxJobBytes: 4096 }), /more than maxJobBytes \(4096\)/);
  });

  it('a result must fit the chunk it answers', () => {
    const wrap = (value: unknown) => envelope(serialize(value));
    assert.deepEqual(readOutcome(wrap({ results: [1, 2], duration: 3 }), 2, context, unsigned), { results: [1, 2], duration: 3 });
    assert.throws(() => readOutcome(wrap({ results: [1, 2, 3], duration: 3 }), 2, context, unsigned), /at most 2 results/);
    assert.throws(() => readOutcome(wrap({ results: [1], duration: 3 }), 2, context, unsigned), /1 results for 2 items, and no errors/);
    assert.throws(() => readOutcome(wrap({ results: [], errors: [[7, { kind: 'value', description: 'x' }]], duration: 0 }), 2, context, unsigned), /not \[item index, error\]/);
  });

  it('fuzzed: thousands of hostile payloads are refused with a reason, or decode to a few units per byte', { timeout: 120_000 }, () => {
    const next = random(20261201);
    const inputs = [...attacks(), ...Array.from({ length: 4000 }, () => fuzzed(next))];
    const rssBefore = process.memoryUsage().rss;
    let decoded = 0;
    let refused = 0;
    for (const bytes of inputs) {
      const bound = 4 * bytes.length + 64;
      const readers = [() => decodeValue(bytes), () => readJob(envelope(bytes), context, unsigned), () => readOutcome(envelope(bytes), 10, context, unsigned)];
      for (const read of readers) {
        let value: unknown;
        try {
          value = read();
        } catch (error) {
          assert.ok(error instanceof PayloadError, `only PayloadError, got ${String(error)} for ${bytes.toString('hex').slice(0, 200)}`);
          refused++;
          continue;
        }
        decoded++;
        assert.ok(decodedSize(value, bound) <= bound, `decoded beyond ${bound} units: ${bytes.toString('hex').slice(0, 200)}`);
      }
    }
    assert.ok(decoded > 100 && refused > 100, `both outcomes exercised (${decoded} decoded, ${refused} refused)`);
    assert.ok(process.memoryUsage().rss - rssBefore < 300 * 1024 * 1024, 'memory stays bounded');
  });

  it(`memory: what passes decodes to at most about ${heapFactor} times its size; floods of tiny containers are refused`, () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const shapes: (() => unknown)[] = [() => ({}), () => [], () => new Map(), () => new Set(), () => new Date(), () => new Uint8Array(0), () => 1.5, () => 'ab', () => [1, , 2]];
    for (const make of shapes) {
      for (const count of [1000, 50_000]) {
        const bytes = serialize(Array.from({ length: count }, make));
        gc();
        const before = process.memoryUsage().heapUsed;
        let value: unknown;
        try {
          value = decodeValue(bytes);
        } catch (error) {
          assert.ok(error instanceof PayloadError && /more than 16 times/.test(error.message), String(error));
          continue;
        }
        gc();
        const grown = process.memoryUsage().heapUsed - before;
        assert.ok(grown <= 2 * heapFactor * bytes.length + heapAllowance, `${String(make)} x ${count}: ${grown} bytes of heap for ${bytes.length}`);
        assert.ok(value !== undefined);
      }
    }
  });
});
