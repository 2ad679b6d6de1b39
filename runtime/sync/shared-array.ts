/**
 * Typed arrays whose memory is shared between threads: postMessage and pool
 * task arguments pass them by reference (the same memory), not by copy. Plain
 * element reads and writes are not atomic read-modify-writes: `a[0]++` from
 * two threads loses updates (see raceDemo); use Atomics.* on Int32Array and
 * friends, or a Mutex around the access.
 */
import { describe, misuse } from "./checks.js";

const CONSTRUCTORS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;

export type SharedArrayConstructor = (typeof CONSTRUCTORS)[number];
type Element<C extends SharedArrayConstructor> = InstanceType<C> extends BigInt64Array | BigUint64Array ? bigint : number;

/**
 * A zero-filled `Type` of `length` elements backed by a SharedArrayBuffer, or
 * one holding a copy of `values`.
 *
 * ```ts
 * const counts = sharedArray(Int32Array, 4);        // [0, 0, 0, 0], shared
 * const xs = sharedArray(Float64Array, [1.5, 2.5]); // a shared copy
 * ```
 */
export function sharedArray<C extends SharedArrayConstructor>(Type: C, lengthOrValues: number | ArrayLike<Element<C>>): InstanceType<C> {
  if (!(CONSTRUCTORS as readonly unknown[]).includes(Type)) {
    throw new TypeError(`sharedArray: expected a typed array constructor such as Int32Array or Float64Array, got ${describe(Type)}`);
  }
  let length: number;
  if (typeof lengthOrValues === "number") {
    if (!Number.isInteger(lengthOrValues) || lengthOrValues < 0) {
      throw misuse(`sharedArray: expected the length to be a non-negative integer, got ${lengthOrValues}`);
    }
    length = lengthOrValues;
  } else if (typeof lengthOrValues === "object" && lengthOrValues !== null && typeof lengthOrValues.length === "number") {
    length = lengthOrValues.length;
  } else {
    throw new TypeError(`sharedArray: expected a length or an array of initial values, got ${describe(lengthOrValues)}`);
  }
  const buffer = new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT);
  const array = new Type(buffer) as InstanceType<C>;
  if (typeof lengthOrValues !== "number") (array as unknown as { set(values: ArrayLike<unknown>): void }).set(lengthOrValues);
  return array;
}

/** Whether `value` is a typed array over shared memory (so other threads see its writes). */
export function isShared(value: unknown): boolean {
  return ArrayBuffer.isView(value) && value.buffer instanceof SharedArrayBuffer;
}
