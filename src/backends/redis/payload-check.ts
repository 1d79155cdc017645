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
 * - unknown tags, unknown typed-array kinds, bytes after the value,
 * - payloads whose decoded heap would exceed `heapFactor` times their size (plus `heapAllowance`),
 *   estimated from what V8 allocates for each thing (an empty Map is 3 bytes on the wire and
 *   about 230 bytes of heap): only floods of tiny containers (thousands of empty Maps) hit this.
 *
 * So the time to decode a payload that passes is linear in its size, and its memory at most
 * about heapFactor times its size. The scan is stricter than V8 (a payload V8 would refuse may
 * pass it, V8 then refuses it).
 */
import { arrayIndex, describeTag, maxArrayIndex, Tag } from './payload-format.js';
import { heapAllowance, heapCost, heapFactor, maxNesting, PayloadError } from './payload-limits.js';
import { scanBigInt, scanBoxed, scanCollection, scanError, scanHostObject, type PayloadReader } from './payload-values.js';

export { heapAllowance, heapFactor, maxNesting, PayloadError } from './payload-limits.js';

/**
 * Throws a PayloadError when `bytes` is not a payload that v8.deserialize can decode at bounded
 * cost. One pass over the bytes, written as closures over `position` rather than a class: this
 * runs on every job and result, and V8 keeps the hot state in registers this way (about 4x
 * faster). The less common values are read in payload-values.ts, through `reader`.
 */
export function checkPayload(bytes: Uint8Array): void {
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

  const stringOf = (length: number): void => {
    charge(heapCost.string + length);
    skip(length, 'a string');
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

  const objectEnd = (): void => {
    const count = properties(Tag.EndObject, undefined);
    expect(varint(), count, 'object property count');
  };

  /** An array's properties besides its elements, and the counts that close it. */
  const arrayEnd = (endTag: number, length: number): void => {
    const count = properties(endTag, length);
    expect(varint(), count, 'array property count');
    expect(varint(), length, 'array length');
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
    arrayEnd(Tag.EndDenseArray, length);
  };

  const sparseArray = (): void => {
    const length = varint();
    holes -= length;
    if (holes < 0) throw new PayloadError(`it holds holey arrays of ${length} or more slots in ${end} bytes`);
    charge(heapCost.holeyArray + heapCost.slot * length);
    arrayEnd(Tag.EndSparseArray, length);
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
        scanBigInt(reader);
        return;
      case Tag.OneByteString:
      case Tag.Utf8String:
        stringOf(varint());
        return;
      case Tag.TwoByteString:
        stringOf(twoByteStringLength());
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
        objectEnd();
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
      case Tag.TrueObject:
      case Tag.FalseObject:
      case Tag.BigIntObject:
      case Tag.StringObject:
      case Tag.RegExp:
      case Tag.ArrayBuffer:
        objects++;
        scanBoxed(reader, found);
        return;
      case Tag.BeginMap:
      case Tag.BeginSet:
        objects++;
        charge(heapCost.map);
        enter();
        scanCollection(reader, found === Tag.BeginMap ? Tag.EndMap : Tag.EndSet, found === Tag.BeginMap ? 2 : 1);
        depth--;
        return;
      case Tag.Error:
        objects++;
        charge(heapCost.error);
        enter();
        scanError(reader);
        depth--;
        return;
      case Tag.HostObject:
        objects++;
        scanHostObject(reader);
        return;
      case Tag.Hole:
        throw new PayloadError('an array hole appears outside an array');
      default:
        throw new PayloadError(`it holds ${describeTag(found)}, which a job or a result never holds`);
    }
  };

  const reader: PayloadReader = { byte, tag, varint, skip, expect, charge, twoByteStringLength, stringOf, value };

  if (bytes[0] !== 0xff) throw new PayloadError('it is not in the v8 serialization format (no header)');
  position = 1;
  const version = varint();
  if (version < 13 || version > 15) throw new PayloadError(`it uses v8 serialization format version ${version}; versions 13 to 15 are read`);
  value(tag());
  while (position < end && bytes[position] === Tag.Padding) position++;
  if (position !== end) throw new PayloadError(`${end - position} bytes follow the value`);
}
