/**
 * The scan of the less common values of a payload (payload-check.ts): dates, boxed primitives,
 * RegExps, ArrayBuffers, BigInts, errors, typed arrays, Maps and Sets. They read the bytes through the
 * scan's own cursor, so the hot path (objects, arrays, strings, numbers) stays in one closure.
 */
import { describeTag, ErrorTag, errorPrototypes, hostKinds, Tag } from './payload-format.js';
import { heapCost, PayloadError } from './payload-limits.js';

/** The cursor and budget of one scan, as these readers use them. */
export interface PayloadReader {
  byte(): number;
  /** The next tag, after any padding. */
  tag(): number;
  varint(): number;
  skip(length: number, what: string): void;
  expect(found: number, counted: number, what: string): void;
  /** Takes `cost` estimated heap bytes from the payload's budget. */
  charge(cost: number): void;
  /** The byte length of a two-byte string, checked to be even. */
  twoByteStringLength(): number;
  /** A string's characters, `length` bytes. */
  stringOf(length: number): void;
  value(found: number): void;
}

/** A value that must be a string (an error's message, a RegExp's source...). */
function scanString(reader: PayloadReader): void {
  const found = reader.tag();
  if (found === Tag.TwoByteString) reader.stringOf(reader.twoByteStringLength());
  else if (found === Tag.OneByteString || found === Tag.Utf8String) reader.stringOf(reader.varint());
  else throw new PayloadError(`a string was expected, found ${describeTag(found)}`);
}

export function scanBigInt(reader: PayloadReader): void {
  // Bit 0 is the sign, the next 30 bits the length of the digits in bytes.
  const length = (reader.varint() >>> 1) & 0x3fffffff;
  reader.charge(heapCost.bigInt + length);
  reader.skip(length, 'a BigInt');
}

/** A Date, a boxed primitive, a RegExp or an ArrayBuffer: `found` is its tag. */
export function scanBoxed(reader: PayloadReader, found: number): void {
  switch (found) {
    case Tag.Date:
    case Tag.NumberObject:
      reader.charge(found === Tag.Date ? heapCost.date : heapCost.wrapper);
      reader.skip(8, found === Tag.Date ? 'a date' : 'a number object');
      return;
    case Tag.TrueObject:
    case Tag.FalseObject:
      reader.charge(heapCost.wrapper);
      return;
    case Tag.BigIntObject:
      reader.charge(heapCost.wrapper);
      scanBigInt(reader);
      return;
    case Tag.StringObject:
      reader.charge(heapCost.wrapper);
      scanString(reader);
      return;
    case Tag.RegExp:
      reader.charge(heapCost.regexp);
      scanString(reader);
      reader.varint();
      return;
    case Tag.ArrayBuffer: {
      const length = reader.varint();
      reader.charge(heapCost.buffer + length);
      reader.skip(length, 'an ArrayBuffer');
      return;
    }
    default:
      throw new Error(`scanBoxed was given ${describeTag(found)}`);
  }
}

/** The entries of a Map (two values each) or a Set (one) up to `endTag`, counted. */
export function scanCollection(reader: PayloadReader, endTag: number, valuesPerEntry: number): void {
  let values = 0;
  for (let found = reader.tag(); found !== endTag; found = reader.tag()) {
    reader.charge(heapCost.entry);
    reader.value(found);
    values++;
  }
  if (values % valuesPerEntry !== 0) throw new PayloadError('a Map has a key without a value');
  reader.expect(reader.varint(), values, 'collection length');
}

/** [prototype] then message, stack and cause (V8 versions differ in their order), then '.'. */
export function scanError(reader: PayloadReader): void {
  let subtag = reader.byte();
  if (errorPrototypes.has(subtag)) subtag = reader.byte();
  const seen = new Set<number>();
  for (; subtag !== ErrorTag.End; subtag = reader.byte()) {
    if (seen.has(subtag)) throw new PayloadError(`an error holds ${describeTag(subtag)} twice`);
    seen.add(subtag);
    if (subtag === ErrorTag.Message || subtag === ErrorTag.Stack) scanString(reader);
    else if (subtag === ErrorTag.Cause) reader.value(reader.tag());
    else throw new PayloadError(`an error holds the unknown field ${describeTag(subtag)}`);
  }
}

/** A typed array, DataView or Buffer, which Node writes as a host object: kind, byte length, bytes. */
export function scanHostObject(reader: PayloadReader): void {
  const kind = reader.varint();
  const perElement = hostKinds.get(kind);
  if (perElement === undefined) throw new PayloadError(`it holds a typed array of unknown kind ${kind}`);
  const byteLength = reader.varint();
  if (byteLength % perElement !== 0) throw new PayloadError(`a typed array of ${perElement}-byte elements has ${byteLength} bytes`);
  // The elements may share the payload's memory (Node copies them only when misaligned).
  reader.charge(heapCost.view + byteLength);
  reader.skip(byteLength, 'a typed array');
}
