/**
 * Cells over a virtual thread of the schedule explorer: every operation is a
 * scheduling point (a promise the answer awaits), plain reads and writes are
 * checked for data races.
 */
import type { VirtualThread } from "../../../runtime/index.js";
import type { Cells } from "./api.js";
import { indexChecker } from "./index-check.js";

/** The cells [base, base + length) of the explored memory, seen from thread `t`. */
export function virtualCells(t: VirtualThread, base: number, length: number): Cells {
  const at = indexChecker(length);
  return Object.freeze({
    length,
    read: (index: number) => t.load(base + at(index)),
    write: (index: number, value: number) => t.store(base + at(index), value),
    load: (index: number) => t.atomic.load(base + at(index)),
    store: (index: number, value: number) => t.atomic.store(base + at(index), value),
    add: (index: number, value: number) => t.atomic.add(base + at(index), value),
    sub: (index: number, value: number) => t.atomic.sub(base + at(index), value),
    exchange: (index: number, value: number) => t.atomic.exchange(base + at(index), value),
    compareExchange: (index: number, expected: number, replacement: number) => t.atomic.compareExchange(base + at(index), expected, replacement),
    wait: (index: number, expected: number, timeoutMs?: number) => t.wait(base + at(index), expected, timeoutMs),
    notify: (index: number, count?: number) => t.notify(base + at(index), count),
  });
}
