/**
 * How many cells each primitive owns (documented to learners in api.ts and the
 * notebook), and the names the exercise looks the factories up by.
 */
import type { CellCounts } from "./api.js";

export const CELL_COUNTS: CellCounts = { mutex: 1, barrier: 2, semaphore: 2 };

export type Primitive = keyof CellCounts;

export const PRIMITIVES: readonly Primitive[] = ["mutex", "barrier", "semaphore"];

/** The submission's export that builds each primitive. */
export const FACTORY_NAMES: Readonly<Record<Primitive, string>> = {
  mutex: "createMutex",
  barrier: "createBarrier",
  semaphore: "createSemaphore",
};
