/**
 * Worker side of the SIMD reductions: a range of a Float64Array that lives in a shared
 * WebAssembly memory (shared/wasm-memory.ts) is read by the module of simd-module.ts. Each call
 * gets the memory with its arguments, as a fresh object: a memory posted to a worker arrives as
 * a new one every time, so the instance is made per call (tens of microseconds, against
 * milliseconds for a range worth splitting). The module itself is compiled once per thread.
 */
import type { WasmMemory } from '../shared/wasm-memory.js';
import { simdModuleBytes, type SimdExports } from './simd-module.js';

/** What a SIMD kernel gets: the array and the memory that holds it. */
export interface InMemory {
  array: Float64Array;
  memory: WasmMemory;
}

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: { env: { memory: WasmMemory } }) => { exports: SimdExports };
}

/** undefined until first use; null where this runtime cannot run the module (no SIMD). */
let compiled: object | null | undefined;

/** The module's functions over `memory`, or undefined where WebAssembly SIMD is not available. */
export function simdOver(memory: WasmMemory): SimdExports | undefined {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (compiled === undefined) {
    const bytes = simdModuleBytes();
    compiled = wasm !== undefined && wasm.validate(bytes) ? new wasm.Module(bytes) : null;
  }
  if (compiled === null) return undefined;
  return new wasm!.Instance(compiled, { env: { memory } }).exports;
}

/** The leftover count first, as the JavaScript kernels do: what is left is a multiple of 8. */
export function sumInMemory(start: number, end: number, { array: a, memory }: InMemory): number | undefined {
  const kernels = simdOver(memory);
  if (kernels === undefined) return undefined;
  let head = -0;
  let i = start;
  for (; (end - i) % 8 !== 0; i++) head += a[i]!;
  return kernels.sum(a.byteOffset + i * 8, a.byteOffset + end * 8, head);
}

export function extremeInMemory(start: number, end: number, { array: a, memory }: InMemory, which: 'min' | 'max'): number | undefined {
  const kernels = simdOver(memory);
  if (kernels === undefined) return undefined;
  const pick = which === 'min' ? Math.min : Math.max;
  let m = which === 'min' ? Infinity : -Infinity;
  let i = start;
  for (; (end - i) % 8 !== 0; i++) m = pick(m, a[i]!);
  return kernels[which](a.byteOffset + i * 8, a.byteOffset + end * 8, m);
}

/** Both arrays in the one memory (the module imports one): `b` at its own offset in it. */
export function dotInMemory(start: number, end: number, { array: a, memory }: InMemory, b: Float64Array): number | undefined {
  const kernels = simdOver(memory);
  if (kernels === undefined) return undefined;
  let head = -0;
  let i = start;
  for (; (end - i) % 8 !== 0; i++) head += a[i]! * b[i]!;
  return kernels.dot(a.byteOffset + i * 8, a.byteOffset + end * 8, b.byteOffset + i * 8, head);
}
