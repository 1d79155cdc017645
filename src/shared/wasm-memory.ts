/**
 * Large shared arrays live in a shared WebAssembly memory rather than a bare SharedArrayBuffer.
 * Its buffer is a SharedArrayBuffer like any other (shared with workers, read with typed
 * arrays), but WebAssembly code can read it too, and WebAssembly has SIMD: two doubles an
 * instruction, where a JavaScript loop takes one. The ready reductions use that
 * (reductions/simd-kernels.ts): a single thread sums 80 MB about 1.7 times faster than the best
 * JavaScript loop, and two workers then outrun numpy's data.mean() instead of trailing it.
 *
 * A memory comes in pages of 64 KiB, so its buffer is rounded up to whole pages (at most 6% for
 * the smallest arrays placed there); the typed array itself has the length asked for. Each
 * memory also reserves about 10 GiB of address space (its guard regions), so only arrays of
 * 1 MiB or more go there, and when a memory cannot be made (no address space left, a runtime
 * without shared WebAssembly memory) the array gets a plain SharedArrayBuffer, as before.
 */

/** The smallest array, in bytes, that gets a WebAssembly memory of its own. */
export const wasmMemoryMinBytes = 1 << 20;
const pageBytes = 65_536;
/** A 32-bit WebAssembly memory holds at most 4 GiB. */
const maxPages = 65_536;

/** The little of the WebAssembly API this needs; the DOM's types are not in our lib. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmMemoryApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}

/** The memory each buffer made here belongs to, for the reductions to hand to their workers. */
const memories = new WeakMap<SharedArrayBuffer, WasmMemory>();

/** A zero-filled shared buffer of at least `byteLength` bytes; exactly that many unless a WebAssembly memory holds it. */
export function sharedBuffer(byteLength: number): SharedArrayBuffer {
  const pages = Math.ceil(byteLength / pageBytes);
  const wasm = (globalThis as { WebAssembly?: WasmMemoryApi }).WebAssembly;
  if (byteLength >= wasmMemoryMinBytes && pages <= maxPages && wasm !== undefined) {
    let memory: WasmMemory | undefined;
    try {
      memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
    } catch (error) {
      // Out of address space (RangeError), or shared memories unsupported (TypeError): the array
      // still works over a plain buffer, only the reductions take their JavaScript loops.
      if (!(error instanceof RangeError || error instanceof TypeError)) throw error;
    }
    if (memory !== undefined) {
      const buffer = memory.buffer as SharedArrayBuffer;
      memories.set(buffer, memory);
      return buffer;
    }
  }
  return new SharedArrayBuffer(byteLength);
}

/** The WebAssembly memory that holds `buffer`, when sharedBuffer() made it so in this thread. */
export function memoryOf(buffer: ArrayBufferLike): WasmMemory | undefined {
  return memories.get(buffer as SharedArrayBuffer);
}
