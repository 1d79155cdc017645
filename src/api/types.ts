/**
 * The types that carry a task's signature from its definition to the results, modelling what
 * structured clone delivers: a result's class methods are gone on arrival, so the result type
 * drops them, and functions and symbols, which cannot cross at all, are refused at compile time
 * where the types show them.
 */

export type { Input } from '../scheduling/input.js';

/** What structured clone refuses outright. */
export type Uncloneable = Function | symbol;

type IsAny<T> = 0 extends 1 & T ? true : false;

/**
 * The type of a value after structured clone: primitives, dates, regular expressions, buffers
 * and typed arrays as they are; Maps, Sets, arrays and objects with each member cloned; methods
 * and other function-valued members dropped (a class instance arrives as a plain object of its
 * fields); a Buffer as a Uint8Array. `Cloned<{ at: Point }>` where `Point` has `norm()` is
 * `{ at: { x: number; y: number } }`.
 */
export type Cloned<T> = IsAny<T> extends true ? any : unknown extends T ? unknown : CloneOf<T>;

type CloneOf<T> = T extends string | number | boolean | bigint | null | undefined
  ? T
  : T extends Uncloneable
    ? never
    : T extends Buffer
      ? Uint8Array
      : T extends Date | RegExp | ArrayBuffer | SharedArrayBuffer | ArrayBufferView
        ? T
        : T extends Map<infer K, infer V>
          ? Map<Cloned<K>, Cloned<V>>
          : T extends Set<infer V>
            ? Set<Cloned<V>>
            : T extends readonly unknown[]
              ? { [I in keyof T]: Cloned<T[I]> }
              : { [K in keyof T as K extends symbol ? never : T[K] extends Uncloneable ? never : K]: Cloned<T[K]> };

/**
 * What may be passed to a task: anything but a function or a symbol, which structured clone
 * refuses (detected by `Symbol.hasInstance`, which every function has and data never does).
 * Nested members are not checked here; one that cannot be cloned fails the call with
 * ERR_TASK_SERIALIZATION. Generic code passes its own type parameters on with
 * `<T extends Cloneable>`.
 */
export type Cloneable = string | number | boolean | bigint | null | undefined | (object & { readonly [Symbol.hasInstance]?: never });
