/**
 * Deterministic schedule exploration of shared-memory code: virtual threads
 * over an instrumented Int32 memory, where every operation is a scheduling
 * point chosen by the explorer (random, PCT or exhaustive), with oracles for
 * mutual exclusion, barriers, deadlocks, lost wake-ups and data races. Every
 * failure carries its seed and schedule; `replaySchedule` repeats it exactly.
 */
export { explore, exploreOrThrow, replaySchedule, defineSharedProgram, ExplorationError, type ReplayScheduleOptions } from "./explore.js";
export { formatExploreFailure, formatExploration, formatReplay, interleavingTable } from "./format.js";
export { formatInterleaving, parseInterleaving } from "./schedule.js";
export type {
  CellRef,
  CellAddresses,
  VirtualAtomics,
  ExploreEvent,
  ExploreOptions,
  ExploreResult,
  ExploreFailure,
  ExploreFailureKind,
  MemorySpec,
  SharedProgram,
  ReplayReport,
  ExploreStrategy,
  VirtualThread,
  VirtualThreadBody,
  VirtualThreadStatus,
  CellValues,
  WaitResult,
} from "./types.js";
