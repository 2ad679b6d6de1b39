/**
 * Argument checks shared by the primitives. A value of the wrong type is a
 * TypeError; a number of the right type that makes no sense for the primitive
 * (negative permits, a barrier of 0 parties) is a PardisError "sync-misuse".
 * Both say what was expected and what arrived.
 */
import { threadId } from "node:worker_threads";
import { PardisError } from "../core/index.js";

/** This thread's owner token: threadId + 1, so 0 can mean "nobody" (the main thread's threadId is 0). */
export const THIS_THREAD = threadId + 1;

export function describe(value: unknown): string {
  if (typeof value === "string") return `${JSON.stringify(value)} (string)`;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return `${String(value)} (${typeof value})`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === "function") return `a function${value.name ? ` ${value.name}` : ""}`;
  const name = Object.getPrototypeOf(value)?.constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object";
}

export function misuse(message: string): PardisError {
  return new PardisError("sync-misuse", message);
}

/** A count such as permits or parties: an integer in [min, max]. */
export function checkCount(where: string, what: string, value: unknown, min: number, max = 0x7fff_ffff): number {
  if (typeof value !== "number") throw new TypeError(`${where}: expected ${what} to be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === 0x7fff_ffff ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw misuse(`${where}: expected ${what} to be ${range}, got ${value}`);
  }
  return value;
}

/** A timeout in milliseconds: a number >= 0 (Infinity waits forever). */
export function checkTimeout(where: string, timeoutMs: unknown): number {
  if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs)) {
    throw new TypeError(`${where}: expected timeoutMs to be a number of milliseconds (>= 0, or Infinity), got ${describe(timeoutMs)}`);
  }
  if (timeoutMs < 0) throw misuse(`${where}: expected timeoutMs to be >= 0, got ${timeoutMs}`);
  return timeoutMs;
}

/** An int32 value to store in a shared slot. */
export function checkInt32(where: string, what: string, value: unknown): number {
  if (typeof value !== "number") throw new TypeError(`${where}: expected ${what} to be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < -0x8000_0000 || value > 0x7fff_ffff) {
    throw misuse(`${where}: expected ${what} to be a 32-bit signed integer, got ${value}`);
  }
  return value;
}

export function checkOptions(where: string, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${where}: expected an options object or nothing, got ${describe(options)}`);
  }
  return options as Record<string, unknown>;
}

export function checkFunction<F extends (...args: never[]) => unknown>(where: string, what: string, value: unknown): F {
  if (typeof value !== "function") throw new TypeError(`${where}: expected ${what} to be a function, got ${describe(value)}`);
  return value as F;
}
