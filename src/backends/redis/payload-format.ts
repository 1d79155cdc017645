/**
 * The tags of node:v8's serialization format that a job or a result may hold, as the payload
 * scan (payload-check.ts) reads them, and how its messages name them.
 */
import { serialize } from 'node:v8';

// Grouped by kind, each group with its tags as the characters they are in the stream.
export const enum Tag {
  // '\0' '?' '-': padding, the version check, an array hole
  Padding = 0x00, VerifyCount = 0x3f, Hole = 0x2d,
  // '_' '0' 'T' 'F'
  Undefined = 0x5f, Null = 0x30, True = 0x54, False = 0x46,
  // 'I' 'U' 'N' 'Z'
  Int32 = 0x49, Uint32 = 0x55, Double = 0x4e, BigInt = 0x5a,
  // 'S' '"' 'c', and '^' for an object seen before
  Utf8String = 0x53, OneByteString = 0x22, TwoByteString = 0x63, Reference = 0x5e,
  // 'o' '{', 'a' '@', 'A' '$'
  BeginObject = 0x6f, EndObject = 0x7b, BeginSparseArray = 0x61, EndSparseArray = 0x40, BeginDenseArray = 0x41, EndDenseArray = 0x24,
  // 'D' 'y' 'x' 'n' 'z' 's' 'R'
  Date = 0x44, TrueObject = 0x79, FalseObject = 0x78, NumberObject = 0x6e, BigIntObject = 0x7a, StringObject = 0x73, RegExp = 0x52,
  // ';' ':', "'" ',', 'B' 'r' '\\'
  BeginMap = 0x3b, EndMap = 0x3a, BeginSet = 0x27, EndSet = 0x2c, ArrayBuffer = 0x42, Error = 0x72, HostObject = 0x5c,
}

export const enum ErrorTag {
  // 'm' 's' 'c' '.'
  Message = 0x6d, Stack = 0x73, Cause = 0x63, End = 0x2e,
}

/** Error subtags naming the prototype: EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError. */
export const errorPrototypes = new Set([0x45, 0x52, 0x46, 0x53, 0x54, 0x55]);

/**
 * Node writes typed arrays, DataView and Buffer as host objects: a kind index, a byte length and
 * the bytes. The indices are Node's own, so they are read from Node itself: kind -> element size.
 */
export const hostKinds: ReadonlyMap<number, number> = (() => {
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

export const maxArrayIndex = 2 ** 32 - 2;

/** The array index a property name spells ("0", "17"), if it spells one. */
export function arrayIndex(bytes: Uint8Array, start: number, end: number, twoByte: boolean): number | undefined {
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

export function describeTag(tag: number): string {
  const text = tag >= 0x20 && tag < 0x7f ? `'${String.fromCharCode(tag)}'` : `0x${tag.toString(16).padStart(2, '0')}`;
  return `tag ${text}`;
}
