/**
 * Cells over a real Int32Array on a SharedArrayBuffer, for worker threads:
 * each operation is the `Atomics` call itself (or a plain element access) and
 * returns its value directly; `await` of it costs the answer a microtask.
 */
import type { Cells, WaitResult } from "./api.js";
import { indexChecker } from "./index-check.js";

/**
 * The cells [base, base + length) of `view`. `noise`, if given, runs before
 * every operation: a short random delay that widens the windows between two
 * operations (a check and the act on it), so that a race shows on real threads
 * in most runs instead of a few (the noise makers of IBM's ConTest).
 */
export function realCells(view: Int32Array, base: number, length: number, noise: () => void = () => {}): Cells {
  const checked = indexChecker(length);
  const at = (index: number): number => {
    noise();
    return checked(index);
  };
  return Object.freeze({
    length,
    read: (index: number) => view[base + at(index)]!,
    write: (index: number, value: number) => {
      view[base + at(index)] = value;
    },
    load: (index: number) => Atomics.load(view, base + at(index)),
    store: (index: number, value: number) => Atomics.store(view, base + at(index), value),
    add: (index: number, value: number) => Atomics.add(view, base + at(index), value),
    sub: (index: number, value: number) => Atomics.sub(view, base + at(index), value),
    exchange: (index: number, value: number) => Atomics.exchange(view, base + at(index), value),
    compareExchange: (index: number, expected: number, replacement: number) => Atomics.compareExchange(view, base + at(index), expected, replacement),
    wait: (index: number, expected: number, timeoutMs?: number): WaitResult => Atomics.wait(view, base + at(index), expected, timeoutMs),
    notify: (index: number, count?: number) => Atomics.notify(view, base + at(index), count),
  });
}
