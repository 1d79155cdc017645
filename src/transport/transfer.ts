/**
 * `transfer(value)` marks a value so that its ArrayBuffers move to the other side instead of
 * being copied. The marks live in a WeakMap on globalThis under a registered symbol, so that the
 * worker runtime sees marks made by a task module that imported its own copy of multicore.
 */
import type { FileHandle } from 'node:fs/promises';
import type { MessagePort } from 'node:worker_threads';

/**
 * What can be moved rather than copied: what postMessage's transfer list takes in every Node
 * version we support. Our own type: @types/node no longer exports TransferListItem.
 */
export type Transferable = ArrayBuffer | MessagePort | FileHandle;

const registryKey = Symbol.for('multicore.transferMarks');

type Marks = WeakMap<object, Transferable[]>;

function marks(): Marks {
  const holder = globalThis as unknown as Record<symbol, Marks | undefined>;
  return (holder[registryKey] ??= new WeakMap());
}

/**
 * Marks `value` to be transferred, not copied, when it is passed to or returned from a task.
 * An ArrayBuffer or a typed array needs no list; for any other object, list what moves with it.
 * The sender's buffers become detached (zero length) after the transfer.
 *
 * @example
 * const pixels = new Uint8Array(1 << 24);
 * await pool.apply(blur, [transfer(pixels)]);   // no copy of the 16 MiB
 */
export function transfer<T extends object>(value: T, transferList?: readonly Transferable[]): T {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`transfer(value) expects an object such as an ArrayBuffer or a typed array, got ${typeof value}`);
  }
  let list: Transferable[];
  if (transferList !== undefined) list = [...transferList];
  else if (value instanceof ArrayBuffer) list = [value];
  else if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) list = [value.buffer];
  else {
    throw new TypeError('transfer(value, transferList): give the list of ArrayBuffers to move for a value that is not an ArrayBuffer or a typed array');
  }
  marks().set(value, list);
  return value;
}

const nothingToTransfer: Transferable[] = [];

/**
 * Collects the transfer lists of the marked values among `values` (top level only), into `into`
 * or, without it, into a new array; an unmarked list of values shares one empty array.
 */
export function collectTransfers(values: readonly unknown[], into?: Transferable[]): Transferable[] {
  let registry: Marks | undefined;
  let collected = into;
  for (const value of values) {
    if (typeof value !== 'object' || value === null) continue;
    registry ??= marks();
    const list = registry.get(value);
    if (list !== undefined) (collected ??= []).push(...list);
  }
  return collected ?? nothingToTransfer;
}

/** A transfer list without repeats (postMessage throws on a buffer listed twice). */
export function dedupe(transfer: Transferable[]): Transferable[] {
  return transfer.length < 2 ? transfer : [...new Set(transfer)];
}
