/**
 * The public part of the sync-primitives lab, shipped to learners: the small
 * scenarios their public checks run, and the judge.
 */
import type { PublicLab, ScenarioSpec } from "../../grader/lab/types.js";
import { judge, withSeed } from "./judge.js";

export const publicScenarios: readonly ScenarioSpec[] = [
  {
    id: "mutex/explore-2-threads",
    title: "Mutex: 2 threads, 2 rounds each, explored (random)",
    points: 8,
    visibility: "public",
    params: { kind: "explore", primitive: "mutex", threads: 2, rounds: 2, strategy: "random", seed: 11, runs: 150 },
  },
  {
    id: "barrier/explore-one-phase",
    title: "Barrier: 2 threads, one phase, explored (random)",
    points: 5,
    visibility: "public",
    params: { kind: "explore", primitive: "barrier", threads: 2, rounds: 1, strategy: "random", seed: 12, runs: 100 },
  },
  {
    id: "barrier/explore-phases",
    title: "Barrier: 2 threads, 3 phases (reuse), explored (PCT)",
    points: 7,
    visibility: "public",
    params: { kind: "explore", primitive: "barrier", threads: 2, rounds: 3, strategy: "pct", depth: 2, seed: 13, runs: 150 },
  },
  {
    id: "semaphore/explore-3-threads",
    title: "Semaphore: 2 permits, 3 threads, explored (random)",
    points: 8,
    visibility: "public",
    params: { kind: "explore", primitive: "semaphore", permits: 2, threads: 3, rounds: 2, strategy: "random", seed: 14, runs: 150 },
  },
];

export const publicLab: PublicLab = {
  id: "sync-primitives",
  title: "Synchronization primitives: a mutex, a reusable barrier and a semaphore on SharedArrayBuffer and Atomics",
  exports: ["createMutex", "createBarrier", "createSemaphore"],
  exercise: "labs/sync-primitives/exercise/index.js",
  scenarios: publicScenarios,
  // Stress runs start up to 4 workers; explorations stay in one thread.
  limits: { wallMs: 30_000, workers: 4, heapMb: 512, loopback: false },
  judge,
  withSeed,
};
