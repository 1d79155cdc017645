/**
 * The bytes of a small WebAssembly module with the SIMD loops of the ready reductions over
 * Float64Array: sum, min, max and dot. It imports the shared memory that holds the array
 * (shared/wasm-memory.ts) and takes byte addresses into it. Written out here, instruction by
 * instruction, rather than shipped as a compiled file: it is a few hundred bytes, and this way
 * the loops can be read beside the JavaScript ones they match (sum-kernels.ts).
 *
 * Every loop takes 8 doubles (64 bytes) a step, in two 2-lane accumulators, and the caller does
 * the 0-7 leftover elements first. The sum keeps the JavaScript kernel's order to the last bit:
 * there, sum k (k = 0..3) adds a[i + k] + a[i + k + 4] each step; here lane k of the pair
 * (a[i], a[i + 1]) + (a[i + 4], a[i + 5]) goes to the first accumulator's lanes (sums 0 and 1),
 * and (a[i + 2], a[i + 3]) + (a[i + 6], a[i + 7]) to the second's (sums 2 and 3), and the four
 * are added as (s0 + s1) + (s2 + s3). The leftovers' sum starts lane 0 (s0), as there. Products
 * for the dot are rounded before they are added, as in JavaScript (no fused multiply-add).
 * Min and max do not depend on the order: f64x2.min and f64.min, like Math.min, give NaN when
 * either side is NaN and put -0 below +0.
 */

/** The functions the module exports, on the addresses of the elements it reads. */
export interface SimdExports {
  /** head + the sum of the doubles from byte `start` to `end` (a multiple of 64 bytes apart). */
  sum(start: number, end: number, head: number): number;
  /** The minimum of `init` and those doubles. */
  min(start: number, end: number, init: number): number;
  max(start: number, end: number, init: number): number;
  /** head + Σ a·b, a from byte `start` to `end`, b from byte `bStart` on. */
  dot(start: number, end: number, bStart: number, head: number): number;
}

// Opcodes (WebAssembly core and SIMD specifications).
const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  i32Const: 0x41,
  f64Const: 0x44,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  f64Add: 0xa0,
  f64Min: 0xa4,
  f64Max: 0xa5,
} as const;
const simd = { load: 0, splat: 20, extractLane: 33, replaceLane: 34, add: 240, mul: 242, min: 244, max: 245 } as const;
const i32 = 0x7f;
const f64 = 0x7c;
const v128 = 0x7b;
const voidBlock = 0x40;

function leb128(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

const name = (text: string) => [...leb128(text.length), ...new TextEncoder().encode(text)];
const vector = (items: number[][]) => [...leb128(items.length), ...items.flat()];
const section = (id: number, bytes: number[]) => [id, ...leb128(bytes.length), ...bytes];
const get = (local: number) => [op.localGet, local];
const set = (local: number) => [op.localSet, local];
const vop = (code: number, ...immediates: number[]) => [0xfd, ...leb128(code), ...immediates];
/** v128.load of 16 bytes at the address on the stack + offset (alignment hint: 8 bytes). */
const load = (offset: number) => vop(simd.load, 3, ...leb128(offset));
const negativeZero = [op.f64Const, 0, 0, 0, 0, 0, 0, 0, 0x80];
const lane = (local: number, index: number) => [...get(local), ...vop(simd.extractLane, index)];
/** address += 64 */
const step = (local: number) => [...get(local), op.i32Const, 0xc0, 0x00, op.i32Add, ...set(local)];

/** A loop that runs `body` while local 0 (the address) is below local 1 (the end). */
function whileBelowEnd(body: number[]): number[] {
  return [op.block, voidBlock, op.loop, voidBlock, ...get(0), ...get(1), op.i32GeU, op.brIf, 1, ...body, op.br, 0, op.end, op.end];
}

// sum(start, end, head): locals 3 and 4 are the accumulators.
const sumCode = [
  ...negativeZero, ...vop(simd.splat), ...get(2), ...vop(simd.replaceLane, 0), ...set(3),
  ...negativeZero, ...vop(simd.splat), ...set(4),
  ...whileBelowEnd([
    ...get(3), ...get(0), ...load(0), ...get(0), ...load(32), ...vop(simd.add), ...vop(simd.add), ...set(3),
    ...get(4), ...get(0), ...load(16), ...get(0), ...load(48), ...vop(simd.add), ...vop(simd.add), ...set(4),
    ...step(0),
  ]),
  ...lane(3, 0), ...lane(3, 1), op.f64Add, ...lane(4, 0), ...lane(4, 1), op.f64Add, op.f64Add,
];

function extremeCode(lanes: number, scalar: number): number[] {
  const fold = (local: number, offset: number) => [...get(local), ...get(0), ...load(offset), ...vop(lanes), ...set(local)];
  return [
    ...get(2), ...vop(simd.splat), ...set(3),
    ...get(2), ...vop(simd.splat), ...set(4),
    ...whileBelowEnd([...fold(3, 0), ...fold(4, 16), ...fold(3, 32), ...fold(4, 48), ...step(0)]),
    ...lane(3, 0), ...lane(3, 1), scalar, ...lane(4, 0), ...lane(4, 1), scalar, scalar,
  ];
}

// dot(start, end, bStart, head): local 2 is b's address; locals 4 and 5 the accumulators.
const product = (offset: number) => [...get(0), ...load(offset), ...get(2), ...load(offset), ...vop(simd.mul)];
const dotCode = [
  ...negativeZero, ...vop(simd.splat), ...get(3), ...vop(simd.replaceLane, 0), ...set(4),
  ...negativeZero, ...vop(simd.splat), ...set(5),
  ...whileBelowEnd([
    ...get(4), ...product(0), ...product(32), ...vop(simd.add), ...vop(simd.add), ...set(4),
    ...get(5), ...product(16), ...product(48), ...vop(simd.add), ...vop(simd.add), ...set(5),
    ...step(0), ...step(2),
  ]),
  ...lane(4, 0), ...lane(4, 1), op.f64Add, ...lane(5, 0), ...lane(5, 1), op.f64Add, op.f64Add,
];

/** One function body: two v128 locals after the parameters, then the code. */
const body = (code: number[]) => {
  const bytes = [...vector([[2, v128]]), ...code, op.end];
  return [...leb128(bytes.length), ...bytes];
};

/** The whole module; its memory import accepts any shared memory of up to 4 GiB. */
export function simdModuleBytes(): Uint8Array {
  const rangeType = [0x60, ...vector([[i32], [i32], [f64]]), ...vector([[f64]])];
  const dotType = [0x60, ...vector([[i32], [i32], [i32], [f64]]), ...vector([[f64]])];
  const sharedLimits = [0x03, ...leb128(0), ...leb128(65_536)];
  const exported = (text: string, index: number) => [...name(text), 0x00, index];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([rangeType, dotType])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, ...sharedLimits]])),
    ...section(3, vector([[0], [0], [0], [1]])),
    ...section(7, vector([exported('sum', 0), exported('min', 1), exported('max', 2), exported('dot', 3)])),
    ...section(10, vector([body(sumCode), body(extremeCode(simd.min, op.f64Min)), body(extremeCode(simd.max, op.f64Max)), body(dotCode)])),
  ]);
}
