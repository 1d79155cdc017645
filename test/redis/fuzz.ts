/**
 * Payloads for the fuzz tests: seeded, so that a failure can be replayed. Three kinds, mixed:
 * random values serialized then mutated (flipped bytes, truncation, splices, huge varints), random
 * bytes behind a v8 header, and hand-written attacks (huge lengths, holey arrays, deep nesting,
 * lengthening indices, wrong types, many tiny containers).
 */
import { serialize } from 'node:v8';

/** The seeded generator the fault plans use: the same inputs every run. */
export { seededRandom as random } from '../fixtures/fault-plan.js';

function randomValue(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 9 : 16));
  const int = () => Math.floor(next() * 1000) - 500;
  switch (pick) {
    case 0: return int();
    case 1: return next() * 1e6;
    case 2: return 'text'.repeat(Math.floor(next() * 5));
    case 3: return 'é€😀'.repeat(Math.floor(next() * 3));
    case 4: return BigInt(int()) ** 5n;
    case 5: return undefined;
    case 6: return null;
    case 7: return next() < 0.5;
    case 8: return new Date(int() * 1e9);
    case 9: return Array.from({ length: Math.floor(next() * 6) }, () => randomValue(next, depth + 1));
    case 10: return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, (_, i) => [`k${i}`, randomValue(next, depth + 1)]));
    case 11: return new Map([[int(), randomValue(next, depth + 1)]]);
    case 12: return new Set([int(), 'x']);
    case 13: return new Float64Array(Math.floor(next() * 4)).fill(next());
    case 14: return Buffer.from([int() & 255, 1, 2]);
    default: return new RangeError(`e${int()}`);
  }
}

/** A varint as V8 writes it. */
function varint(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    bytes.push(byte);
  } while (value > 0);
  return bytes;
}

const header = [0xff, 0x0f];
const huge = varint(2 ** 32 - 1);
const ch = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** Hand-written attacks: each is a complete payload. */
export function attacks(): Buffer[] {
  // 100,000 nested one-element arrays, written by hand (v8.serialize itself gives up far earlier).
  const levels = 100_000;
  const deep = Buffer.from([...header, ...Array.from({ length: levels }, () => [0x41, 1]).flat(), ...ch('_'), ...Array.from({ length: levels }, () => [0x24, 0, 1]).flat()]);
  const manyMaps = Array.from({ length: 200_000 }, () => new Map());
  return [
    serialize([new Array(2 ** 32 - 1)]),
    serialize(new Array(2 ** 32 - 1)),
    serialize({ results: new Array(2 ** 32 - 1) }),
    serialize(Array.from({ length: 100 }, () => new Array(1_000_000))),
    Buffer.from([...header, ...ch('A'), ...huge]),
    Buffer.from([...header, ...ch('"'), ...huge, ...ch('abc')]),
    Buffer.from([...header, ...ch('c'), ...huge]),
    Buffer.from([...header, ...ch('B'), ...huge]),
    Buffer.from([...header, ...ch('~'), 0, ...huge]),
    Buffer.from([...header, 0x5c, 1, ...huge]),
    Buffer.from([...header, 0x5c, 99, 1, 0]),
    Buffer.from([...header, ...ch('Z'), ...huge]),
    Buffer.from([...header, ...ch('^'), 0]),
    Buffer.from([...header, ...ch('A'), 0, ...ch('U'), ...varint(2 ** 32 - 2), ...ch('I'), 2, ...ch('$'), 1, 0]),
    Buffer.from([...header, ...ch('A'), 0, ...ch('"'), 10, ...ch('4294967294'), ...ch('I'), 2, ...ch('$'), 1, 0]),
    Buffer.from([...header, ...ch('o'), ...ch('"'), 6, ...ch('length'), ...ch('U'), ...huge, ...ch('{'), 1]),
    Buffer.from([...header, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, ...ch('_')]),
    Buffer.from([...header, ...ch('u'), 0]),
    Buffer.from([...header, ...ch('t'), 0]),
    Buffer.from([...header, ...ch('V'), ...ch('B'), 0, 4]),
    Buffer.from([0xff, 0x05, ...ch('_')]),
    Buffer.from([...header]),
    Buffer.from([]),
    Buffer.from(ch('not v8 at all')),
    deep,
    serialize(manyMaps),
    serialize({ results: 'not an array', duration: 1 }),
    serialize({ results: [1], duration: -1 }),
    serialize({ results: [1], errors: [[5, {}]], duration: 1 }),
    serialize({ results: [], errors: [[0, { kind: 'error', name: 'E', message: 'm', props: 'nope' }]], duration: 1 }),
    serialize({ task: 42, start: 0, spread: false, settle: false, items: [] }),
    serialize({ task: 'add', start: -1, spread: false, settle: false, items: [] }),
    serialize({ task: 'add', start: 0, spread: true, settle: false, items: [1, 2] }),
    serialize({ task: 'add', start: 0, spread: false, settle: false, items: [], timeout: 2 ** 40 }),
  ];
}

/** A mutated serialization of a random value, or random bytes. */
export function fuzzed(next: () => number): Buffer {
  if (next() < 0.1) return Buffer.from([...header, ...Array.from({ length: Math.floor(next() * 40) }, () => Math.floor(next() * 256))]);
  const bytes = Buffer.from(serialize(randomValue(next, 0)));
  const mutations = 1 + Math.floor(next() * 3);
  let result: Buffer = bytes;
  for (let m = 0; m < mutations; m++) {
    const at = 2 + Math.floor(next() * Math.max(1, result.length - 2));
    switch (Math.floor(next() * 5)) {
      case 0:
        result[at] = Math.floor(next() * 256);
        break;
      case 1:
        result = result.subarray(0, at);
        break;
      case 2:
        result = Buffer.concat([result.subarray(0, at), Buffer.from(huge), result.subarray(at)]);
        break;
      case 3:
        result = Buffer.concat([result.subarray(0, at), Buffer.from(ch(['A', 'a', 'o', ';', '\'', '"', 'Z', 'B', '\\'][Math.floor(next() * 9)]!)), result.subarray(at)]);
        break;
      default:
        result = Buffer.concat([result.subarray(0, at), result.subarray(Math.floor(next() * result.length))]);
    }
  }
  return result;
}

/** Counts the array slots, properties, entries and string characters of a decoded value, stopping past `limit`. */
export function decodedSize(value: unknown, limit: number): number {
  const seen = new Set<object>();
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && size <= limit) {
    const item = stack.pop();
    size++;
    if (typeof item === 'string') size += item.length;
    if (typeof item !== 'object' || item === null || seen.has(item)) continue;
    seen.add(item);
    if (ArrayBuffer.isView(item)) size += item.byteLength;
    else if (item instanceof Map) for (const [k, v] of item) stack.push(k, v);
    else if (item instanceof Set) for (const v of item) stack.push(v);
    if (Array.isArray(item)) {
      size += item.length;
      for (const v of item) stack.push(v);
    } else {
      for (const key of Object.keys(item)) stack.push((item as Record<string, unknown>)[key]);
    }
  }
  return size;
}
