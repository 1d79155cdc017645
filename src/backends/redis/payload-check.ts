/**
 * A pre-scan of node:v8's serialization format, run on every payload read from Redis before
 * v8.deserialize sees it. v8.deserialize checks that a payload is well formed, but not what it
 * costs: 20 bytes describe an array of length 2^32 - 1 that later kills the process that spreads
 * or clones it. The scan walks the bytes once, without building anything, and refuses:
 *
 * - lengths larger than the bytes left (strings, arrays, buffers, BigInt digits),
 * - holey arrays whose holes outnumber the payload's bytes (the total length of arrays in the
 *   sparse encoding is budgeted to the payload's size), and indexed properties that would
 *   lengthen an array,
 * - nesting deeper than `maxNesting`,
 * - what cannot come from another machine: shared or transferred buffers, resizable buffers,
 *   WebAssembly, shared objects, raw buffer views (Node writes typed arrays as host objects),
 * - unknown tags, unknown typed-array kinds, bytes after the value.
 *
 * - payloads whose decoded heap would exceed `heapFactor` times their size (plus `heapAllowance`),
 *   estimated from what V8 allocates for each thing (an empty Map is 3 bytes on the wire and
 *   about 230 bytes of heap): only floods of tiny containers (thousands of empty Maps) hit this.
 *
 * So the time to decode a payload that passes is linear in its size, and its memory at most
 * about heapFactor times its size. The scan is stricter than V8 (a payload V8 would refuse may
 * pass it, V8 then refuses it).
 */
import { serialize } from 'node:v8';

/** Why a payload was refused, for the message of ERR_JOB_REJECTED. */
export class PayloadError extends Error {}

/** Containers nested deeper than this are refused (structured clone copes with a few thousand). */
export const maxNesting = 1000;

/** The decoded heap may reach this many times the payload's size... */
export const heapFactor = 16;
/** ...plus this, so that small payloads of a few objects always pass. */
export const heapAllowance = 1024 * 1024;

/** Estimated heap bytes of what V8 builds, measured on Node 20 (64-bit, pointer compression off). */
const heapCost = {
  slot: 8,
  property: 16,
  entry: 24,
  object: 96,
  array: 80,
  holeyArray: 224,
  map: 232,
  date: 160,
  error: 104,
  regexp: 104,
  wrapper: 96,
  view: 144,
  buffer: 136,
  string: 32,
  heapNumber: 24,
  bigInt: 40,
} as const;

/** Throws a PayloadError when `bytes` is not a payload that v8.deserialize can decode at bounded cost. */
export function checkPayload(bytes: Uint8Array): void {
  scan(bytes);
}

const enum Tag {
  Padding = 0x00,
  VerifyCount = 0x3f, // ?
  Hole = 0x2d, // -
  Undefined = 0x5f, // _
  Null = 0x30, // 0
  True = 0x54, // T
  False = 0x46, // F
  Int32 = 0x49, // I
  Uint32 = 0x55, // U
  Double = 0x4e, // N
  BigInt = 0x5a, // Z
  Utf8String = 0x53, // S
  OneByteString = 0x22, // "
  TwoByteString = 0x63, // c
  Reference = 0x5e, // ^
  BeginObject = 0x6f, // o
  EndObject = 0x7b, // {
  BeginSparseArray = 0x61, // a
  EndSparseArray = 0x40, // @
  BeginDenseArray = 0x41, // A
  EndDenseArray = 0x24, // $
  Date = 0x44, // D
  TrueObject = 0x79, // y
  FalseObject = 0x78, // x
  NumberObject = 0x6e, // n
  BigIntObject = 0x7a, // z
  StringObject = 0x73, // s
  RegExp = 0x52, // R
  BeginMap = 0x3b, // ;
  EndMap = 0x3a, // :
  BeginSet = 0x27, // '
  EndSet = 0x2c, // ,
  ArrayBuffer = 0x42, // B
  Error = 0x72, // r
  HostObject = 0x5c, // \
}

const enum ErrorTag {
  Message = 0x6d, // m
  Stack = 0x73, // s
  Cause = 0x63, // c
  End = 0x2e, // .
}

/** Error subtags naming the prototype: EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError. */
const errorPrototypes = new Set([0x45, 0x52, 0x46, 0x53, 0x54, 0x55]);

/**
 * Node writes typed arrays, DataView and Buffer as host objects: a kind index, a byte length and
 * the bytes. The indices are Node's own, so they are read from Node itself: kind -> element size.
 */
const hostKinds: ReadonlyMap<number, number> = (() => {
  const kinds = new Map<number, number>();
  const samples: ArrayBufferView[] = [Buffer.alloc(8), new DataView(new ArrayBuffer(8))];
  for (const name of ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']) {
    const View = (globalThis as unknown as Record<string, (new (length: number) => ArrayBufferView) | undefined>)[name];
    if (View !== undefined) samples.push(new View(1));
  }
  for (const sample of samples) {
    const bytes = serialize(sample);
    const perElement = (sample as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
    // ff <version> \ <kind> ...: one-byte varints for every kind Node has.
    if (bytes[2] === Tag.HostObject) kinds.set(bytes[3]!, perElement);
  }
  return kinds;
})();

const maxArrayIndex = 2 ** 32 - 2;

/**
 * One pass over the bytes. Written as closures over `position` rather than a class: this runs on
 * every job and result, and V8 keeps the hot state in registers this way (about 4x faster).
 */
function scan(bytes: Uint8Array): void {
  const end = bytes.length;
  let position = 0;
  /** Objects seen so far: a back-reference must name one of them. */
  let objects = 0;
  /** Array slots that the sparse encoding may still claim without bytes to show for them. */
  let holes = end;
  let depth = 0;
  /** Estimated heap bytes that decoding may still take. */
  let heap = heapFactor * end + heapAllowance;

  const charge = (cost: number): void => {
    heap -= cost;
    if (heap < 0) throw new PayloadError(`it would take more than ${heapFactor} times its ${end} bytes of memory to decode (many small containers?)`);
  };

  const byte = (): number => {
    if (position >= end) throw new PayloadError('it is truncated');
    return bytes[position++]!;
  };

  /** The next tag, after any padding. */
  const tag = (): number => {
    while (position < end && bytes[position] === Tag.Padding) position++;
    return byte();
  };

  /** An unsigned 32-bit varint, as V8 writes it: at most 5 bytes, nothing above 2^32 - 1. */
  const varint = (): number => {
    const first = byte();
    if (first < 0x80) return first;
    let value = first & 0x7f;
    let scale = 0x80;
    for (let count = 1; count < 5; count++) {
      const next = byte();
      value += (next & 0x7f) * scale;
      if (next < 0x80) {
        if (value > 0xffffffff) break;
        return value;
      }
      scale *= 0x80;
    }
    throw new PayloadError('it holds a number field over 32 bits');
  };

  const skip = (length: number, what: string): void => {
    if (length > end - position) throw new PayloadError(`${what} claims ${length} bytes with ${end - position} left`);
    position += length;
  };

  const expect = (found: number, counted: number, what: string): void => {
    if (found !== counted) throw new PayloadError(`its ${what} says ${found} but ${counted} were read`);
  };

  const twoByteStringLength = (): number => {
    const byteLength = varint();
    if (byteLength % 2 !== 0) throw new PayloadError('a two-byte string has an odd byte length');
    return byteLength;
  };

  const twoByteString = (): void => {
    const length = twoByteStringLength();
    charge(heapCost.string + length);
    skip(length, 'a string');
  };

  const oneByteString = (): void => {
    const length = varint();
    charge(heapCost.string + length);
    skip(length, 'a string');
  };

  /** A value that must be a string (an error's message, a RegExp's source...). */
  const string = (): void => {
    const found = tag();
    if (found === Tag.TwoByteString) twoByteString();
    else if (found === Tag.OneByteString || found === Tag.Utf8String) oneByteString();
    else throw new PayloadError(`a string was expected, found ${describeTag(found)}`);
  };

  const bigInt = (): void => {
    // Bit 0 is the sign, the next 30 bits the length of the digits in bytes.
    const length = (varint() >>> 1) & 0x3fffffff;
    charge(heapCost.bigInt + length);
    skip(length, 'a BigInt');
  };

  const enter = (): void => {
    if (++depth > maxNesting) throw new PayloadError(`it nests containers more than ${maxNesting} deep`);
  };

  /** A property key: a string or a number. On an array, an index must lie within its length. */
  const key = (found: number, arrayLength: number | undefined): void => {
    let index: number | undefined;
    switch (found) {
      case Tag.OneByteString:
      case Tag.Utf8String:
      case Tag.TwoByteString: {
        const length = found === Tag.TwoByteString ? twoByteStringLength() : varint();
        const start = position;
        skip(length, 'a property name');
        if (arrayLength !== undefined) index = arrayIndex(bytes, start, position, found === Tag.TwoByteString);
        break;
      }
      case Tag.Int32: {
        const zigzag = varint();
        index = zigzag % 2 === 0 ? zigzag / 2 : undefined;
        break;
      }
      case Tag.Uint32:
        index = varint();
        break;
      case Tag.Double: {
        const start = position;
        skip(8, 'a property name');
        const number = new DataView(bytes.buffer, bytes.byteOffset + start, 8).getFloat64(0, true);
        index = Number.isInteger(number) && number >= 0 ? number : undefined;
        break;
      }
      default:
        throw new PayloadError(`a property name is ${describeTag(found)}, not a string or a number`);
    }
    if (arrayLength !== undefined && index !== undefined && index <= maxArrayIndex && index >= arrayLength) {
      throw new PayloadError(`an array of length ${arrayLength} has an element at index ${index}, which would lengthen it`);
    }
  };

  /** Key/value pairs up to `endTag`, counted; `arrayLength` is set for an array's properties. */
  const properties = (endTag: number, arrayLength: number | undefined): number => {
    let count = 0;
    for (let found = tag(); found !== endTag; found = tag()) {
      charge(heapCost.property);
      key(found, arrayLength);
      value(tag());
      count++;
    }
    return count;
  };

  const object = (): void => {
    const count = properties(Tag.EndObject, undefined);
    expect(varint(), count, 'object property count');
  };

  const denseArray = (): void => {
    const length = varint();
    if (length > end - position) throw new PayloadError(`an array claims ${length} elements with ${end - position} bytes left`);
    charge(heapCost.array + heapCost.slot * length);
    for (let i = 0; i < length; i++) {
      const found = tag();
      if (found === Tag.Int32 || found === Tag.Uint32) {
        // Integers are much of what crosses: a varint of up to 4 bytes (28 bits) is skipped
        // without a call, as it cannot overflow; anything longer takes the careful path.
        const start = position;
        while (position < end && bytes[position]! >= 0x80) position++;
        position++;
        if (position > end || position - start > 4) {
          position = start;
          varint();
        }
      } else if (found !== Tag.Hole) value(found);
    }
    const count = properties(Tag.EndDenseArray, length);
    expect(varint(), count, 'array property count');
    expect(varint(), length, 'array length');
  };

  const sparseArray = (): void => {
    const length = varint();
    holes -= length;
    if (holes < 0) throw new PayloadError(`it holds holey arrays of ${length} or more slots in ${end} bytes`);
    charge(heapCost.holeyArray + heapCost.slot * length);
    const count = properties(Tag.EndSparseArray, length);
    expect(varint(), count, 'array property count');
    expect(varint(), length, 'array length');
  };

  const collection = (endTag: number, valuesPerEntry: number): void => {
    let values = 0;
    for (let found = tag(); found !== endTag; found = tag()) {
      charge(heapCost.entry);
      value(found);
      values++;
    }
    if (values % valuesPerEntry !== 0) throw new PayloadError('a Map has a key without a value');
    expect(varint(), values, 'collection length');
  };

  /** [prototype] then message, stack and cause (V8 versions differ in their order), then '.'. */
  const error = (): void => {
    let subtag = byte();
    if (errorPrototypes.has(subtag)) subtag = byte();
    const seen = new Set<number>();
    for (; subtag !== ErrorTag.End; subtag = byte()) {
      if (seen.has(subtag)) throw new PayloadError(`an error holds ${describeTag(subtag)} twice`);
      seen.add(subtag);
      if (subtag === ErrorTag.Message || subtag === ErrorTag.Stack) string();
      else if (subtag === ErrorTag.Cause) value(tag());
      else throw new PayloadError(`an error holds the unknown field ${describeTag(subtag)}`);
    }
  };

  const hostObject = (): void => {
    const kind = varint();
    const perElement = hostKinds.get(kind);
    if (perElement === undefined) throw new PayloadError(`it holds a typed array of unknown kind ${kind}`);
    const byteLength = varint();
    if (byteLength % perElement !== 0) throw new PayloadError(`a typed array of ${perElement}-byte elements has ${byteLength} bytes`);
    // The elements may share the payload's memory (Node copies them only when misaligned).
    charge(heapCost.view + byteLength);
    skip(byteLength, 'a typed array');
  };

  const value = (found: number): void => {
    switch (found) {
      case Tag.Undefined:
      case Tag.Null:
      case Tag.True:
      case Tag.False:
        return;
      case Tag.Int32:
      case Tag.Uint32:
        varint();
        return;
      case Tag.Double:
        charge(heapCost.heapNumber);
        skip(8, 'a number');
        return;
      case Tag.BigInt:
        bigInt();
        return;
      case Tag.OneByteString:
      case Tag.Utf8String:
        oneByteString();
        return;
      case Tag.TwoByteString:
        twoByteString();
        return;
      case Tag.Reference: {
        const id = varint();
        if (id >= objects) throw new PayloadError(`a reference names object ${id}, of ${objects} so far`);
        return;
      }
      case Tag.VerifyCount:
        varint();
        value(tag());
        return;
      case Tag.BeginObject:
        objects++;
        charge(heapCost.object);
        enter();
        object();
        depth--;
        return;
      case Tag.BeginDenseArray:
        objects++;
        enter();
        denseArray();
        depth--;
        return;
      case Tag.BeginSparseArray:
        objects++;
        enter();
        sparseArray();
        depth--;
        return;
      case Tag.Date:
      case Tag.NumberObject:
        objects++;
        charge(found === Tag.Date ? heapCost.date : heapCost.wrapper);
        skip(8, found === Tag.Date ? 'a date' : 'a number object');
        return;
      case Tag.TrueObject:
      case Tag.FalseObject:
        objects++;
        charge(heapCost.wrapper);
        return;
      case Tag.BigIntObject:
        objects++;
        charge(heapCost.wrapper);
        bigInt();
        return;
      case Tag.StringObject:
        objects++;
        charge(heapCost.wrapper);
        string();
        return;
      case Tag.RegExp:
        objects++;
        charge(heapCost.regexp);
        string();
        varint();
        return;
      case Tag.BeginMap:
      case Tag.BeginSet:
        objects++;
        charge(heapCost.map);
        enter();
        collection(found === Tag.BeginMap ? Tag.EndMap : Tag.EndSet, found === Tag.BeginMap ? 2 : 1);
        depth--;
        return;
      case Tag.ArrayBuffer: {
        objects++;
        const length = varint();
        charge(heapCost.buffer + length);
        skip(length, 'an ArrayBuffer');
        return;
      }
      case Tag.Error:
        objects++;
        charge(heapCost.error);
        enter();
        error();
        depth--;
        return;
      case Tag.HostObject:
        objects++;
        hostObject();
        return;
      case Tag.Hole:
        throw new PayloadError('an array hole appears outside an array');
      default:
        throw new PayloadError(`it holds ${describeTag(found)}, which a job or a result never holds`);
    }
  };

  if (bytes[0] !== 0xff) throw new PayloadError('it is not in the v8 serialization format (no header)');
  position = 1;
  const version = varint();
  if (version < 13 || version > 15) throw new PayloadError(`it uses v8 serialization format version ${version}; versions 13 to 15 are read`);
  value(tag());
  while (position < end && bytes[position] === Tag.Padding) position++;
  if (position !== end) throw new PayloadError(`${end - position} bytes follow the value`);
}

/** The array index a property name spells ("0", "17"), if it spells one. */
function arrayIndex(bytes: Uint8Array, start: number, end: number, twoByte: boolean): number | undefined {
  // Skip the length varint in front of the characters.
  let position = start;
  while (bytes[position]! & 0x80) position++;
  position++;
  const step = twoByte ? 2 : 1;
  const digits = (end - position) / step;
  if (digits < 1 || digits > 10) return undefined;
  let value = 0;
  for (let i = position; i < end; i += step) {
    const code = twoByte ? bytes[i]! | (bytes[i + 1]! << 8) : bytes[i]!;
    if (code < 0x30 || code > 0x39) return undefined;
    if (code === 0x30 && i === position && digits > 1) return undefined;
    value = value * 10 + (code - 0x30);
  }
  return value;
}

function describeTag(tag: number): string {
  const text = tag >= 0x20 && tag < 0x7f ? `'${String.fromCharCode(tag)}'` : `0x${tag.toString(16).padStart(2, '0')}`;
  return `tag ${text}`;
}
