/**
 * Where the halo mailboxes live: one shared buffer, four rows per worker
 * (above for even steps, above for odd steps, below for even, below for odd).
 */
import type { Mailbox } from "./api.js";
import { UNPOSTED } from "./model.js";

const ROWS_PER_WORKER = 4;

export function mailboxBuffer(workers: number, cols: number): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(workers * ROWS_PER_WORKER * cols * Int32Array.BYTES_PER_ELEMENT);
  new Int32Array(buffer).fill(UNPOSTED);
  return buffer;
}

export function mailboxOf(buffer: SharedArrayBuffer, worker: number, cols: number): Mailbox {
  const row = (k: number) => new Int32Array(buffer, (worker * ROWS_PER_WORKER + k) * cols * Int32Array.BYTES_PER_ELEMENT, cols);
  return Object.freeze({ above: Object.freeze([row(0), row(1)] as const), below: Object.freeze([row(2), row(3)] as const) });
}
