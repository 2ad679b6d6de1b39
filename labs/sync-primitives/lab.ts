/**
 * The whole sync-primitives lab (grader only): the public scenarios plus the
 * hidden ones (more threads, PCT and random exploration with fixed seeds,
 * stress runs on real workers), the reference (the instructor notebook) and
 * the known-wrong variants with exactly what each must lose.
 */
import type { LabDefinition, ScenarioSpec } from "../../grader/lab/types.js";
import { publicLab, publicScenarios } from "./public.js";

const MUTEX_ALL = ["mutex/explore-2-threads", "mutex/explore-pct", "mutex/explore-random", "mutex/stress"];
const MUTEX_EXPLORED = MUTEX_ALL.filter((id) => id !== "mutex/stress");

/** No worker made progress for this long: a deadlock. Generous: a loaded grading machine can pause a worker for a while. */
const STALL_MS = 2_000;

const hiddenScenarios: readonly ScenarioSpec[] = [
  {
    id: "mutex/explore-pct",
    title: "Mutex: 3 threads, 3 rounds each, explored (PCT depth 3)",
    points: 10,
    visibility: "hidden",
    params: { kind: "explore", primitive: "mutex", threads: 3, rounds: 3, strategy: "pct", depth: 3, seed: 101, runs: 400 },
  },
  {
    id: "mutex/explore-random",
    title: "Mutex: 4 threads, 2 rounds each, explored (random)",
    points: 8,
    visibility: "hidden",
    params: { kind: "explore", primitive: "mutex", threads: 4, rounds: 2, strategy: "random", seed: 102, runs: 300 },
  },
  {
    id: "mutex/stress",
    title: "Mutex: 4 real workers × 2000 rounds on a plain counter",
    points: 8,
    visibility: "hidden",
    params: { kind: "stress", primitive: "mutex", workers: 4, rounds: 2000, stallMs: STALL_MS },
    // Four busy workers need the whole machine; a neighbour would stall them past the watchdog.
    exclusive: true,
  },
  {
    id: "barrier/explore-pct",
    title: "Barrier: 3 threads, 4 phases, explored (PCT depth 3)",
    points: 10,
    visibility: "hidden",
    params: { kind: "explore", primitive: "barrier", threads: 3, rounds: 4, strategy: "pct", depth: 3, seed: 103, runs: 400 },
  },
  {
    id: "barrier/stress",
    title: "Barrier: 4 real workers × 400 phases",
    points: 8,
    visibility: "hidden",
    params: { kind: "stress", primitive: "barrier", workers: 4, rounds: 400, stallMs: STALL_MS },
    // Four busy workers need the whole machine; a neighbour would stall them past the watchdog.
    exclusive: true,
  },
  {
    id: "semaphore/explore-4-threads",
    title: "Semaphore: 2 permits, 4 threads, explored (random)",
    points: 8,
    visibility: "hidden",
    params: { kind: "explore", primitive: "semaphore", permits: 2, threads: 4, rounds: 2, strategy: "random", seed: 104, runs: 400 },
  },
  {
    id: "semaphore/explore-5-threads",
    title: "Semaphore: 3 permits, 5 threads, explored (random)",
    points: 8,
    visibility: "hidden",
    params: { kind: "explore", primitive: "semaphore", permits: 3, threads: 5, rounds: 2, strategy: "random", seed: 105, runs: 300 },
  },
  {
    id: "semaphore/explore-all-permits",
    title: "Semaphore: 3 permits, 3 threads that must all hold one at once, explored (random)",
    points: 5,
    visibility: "hidden",
    params: { kind: "explore", primitive: "semaphore", permits: 3, threads: 3, rounds: 1, together: true, strategy: "random", seed: 106, runs: 100 },
  },
  {
    // One permit: a check-then-take bug needs permits + 1 workers inside its two-step window at once. With one permit the
    // stress shows it in every run (hundreds of overlaps); with two, only in most runs. Counting is the explorer's job (above).
    id: "semaphore/stress",
    title: "Semaphore (1 permit): 4 real workers × 2000 rounds",
    points: 7,
    visibility: "hidden",
    params: { kind: "stress", primitive: "semaphore", permits: 1, workers: 4, rounds: 2000, stallMs: STALL_MS },
    // Four busy workers need the whole machine; a neighbour would stall them past the watchdog.
    exclusive: true,
  },
];

export const lab: LabDefinition = {
  ...publicLab,
  scenarios: [...publicScenarios, ...hiddenScenarios],
  reference: "labs/sync-primitives/sync-primitives.ipynb",
  variants: [
    {
      file: "mutex-check-then-set.ts",
      bug: "lock() checks that the mutex is free, then sets it, in two steps: two threads can both see it free",
      fails: MUTEX_ALL,
      expect: "mutual exclusion violated",
    },
    {
      file: "mutex-unlock-without-notify.ts",
      bug: "unlock() frees the mutex but never notifies: a thread asleep in lock() sleeps forever",
      fails: MUTEX_ALL,
      expect: "deadlock",
    },
    {
      file: "mutex-plain-unlock.ts",
      bug: "unlock() frees the mutex with a plain write: it works on x86, but nothing orders the critical sections",
      fails: MUTEX_EXPLORED,
      expect: "data race",
    },
    {
      file: "barrier-single-use.ts",
      bug: "the barrier counts arrivals but never resets: the first phase works, later phases let threads straight through",
      fails: ["barrier/explore-phases", "barrier/explore-pct", "barrier/stress"],
      expect: "barrier phases mixed",
    },
    {
      file: "semaphore-check-then-take.ts",
      bug: "acquire() checks for a free permit, then takes it, in two steps: more threads than permits get in",
      fails: ["semaphore/explore-3-threads", "semaphore/explore-4-threads", "semaphore/explore-5-threads", "semaphore/stress"],
      expect: "more threads than permits",
    },
    {
      file: "semaphore-one-at-a-time.ts",
      bug: "the semaphore ignores its permits and admits one thread at a time: safe, but threads that need the permits together wait forever",
      fails: ["semaphore/explore-all-permits"],
      expect: "fewer than",
    },
  ],
};
