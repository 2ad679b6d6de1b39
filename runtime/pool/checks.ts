/**
 * Argument checks of the pool's API: misuse is a TypeError that says what was
 * expected and what arrived.
 */
import type { Items } from "./pool-types.js";

export function checkPositiveInteger(where: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`${where}: expected \`${name}\` to be an integer from 1 up, got \`${String(value)}\` (${typeof value})`);
  }
  return value;
}

export function checkSignal(where: string, signal: unknown): AbortSignal | undefined {
  if (signal === undefined || signal === null) return undefined;
  if (!(signal instanceof AbortSignal)) throw new TypeError(`${where}: expected \`signal\` to be an AbortSignal, got ${typeof signal}`);
  return signal;
}

export function toIndexable<T>(where: string, items: Items<T>): ArrayLike<T> & { slice?: (start: number, end: number) => ArrayLike<T> } {
  if (Array.isArray(items) || ArrayBuffer.isView(items)) return items as ArrayLike<T>;
  if (items !== null && typeof items === "object") {
    if (Symbol.iterator in items) return Array.from(items as Iterable<T>);
    if (typeof (items as ArrayLike<T>).length === "number") return Array.from(items as ArrayLike<T>);
  }
  throw new TypeError(`${where}: expected \`items\` to be an array, a typed array or an iterable, got \`${String(items)}\` (${typeof items})`);
}

export function isSharedView(value: unknown): boolean {
  return ArrayBuffer.isView(value) && value.buffer instanceof SharedArrayBuffer;
}
