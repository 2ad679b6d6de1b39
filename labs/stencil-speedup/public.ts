/**
 * The stencil-speedup lab as a learner's machine holds it: the public
 * scenarios and the judge (hidden scenarios, the reference and the
 * known-wrong variants are in lab.ts, grader side only).
 */
import type { PublicLab, ScenarioSpec } from "../../grader/lab/types.js";
import { judge, withSeed } from "./judge.js";

/** A missing barrier shows every time when worker w starts w × this many ms late (a small grid's whole run takes well under 1 ms). */
export const STAGGER_MS = 20;

export const publicScenarios: readonly ScenarioSpec[] = [
  {
    id: "correct/one-worker",
    title: "One worker: the whole torus is one band (its own upper and lower neighbour)",
    points: 2,
    visibility: "public",
    params: { kind: "correctness", workers: 1, rows: 24, cols: 16, steps: 8, seed: 11, staggerMs: 0 },
  },
  {
    id: "correct/two-workers",
    title: "Two workers, 24 rows: halo rows exchanged every step",
    points: 3,
    visibility: "public",
    params: { kind: "correctness", workers: 2, rows: 24, cols: 16, steps: 8, seed: 12, staggerMs: STAGGER_MS },
  },
  {
    id: "speedup/quick",
    title: "Speedup with two workers (a quick measurement)",
    points: 2,
    visibility: "public",
    wallMs: 60_000,
    params: {
      kind: "speedup",
      workers: 2,
      rows: 256,
      cols: 256,
      targetMs: 150,
      minSteps: 4,
      maxSteps: 2000,
      seed: 13,
      repetitions: 3,
      check: { rows: 32, cols: 16, steps: 10, seed: 14, staggerMs: STAGGER_MS },
    },
  },
];

export const publicLab: PublicLab = {
  id: "stencil-speedup",
  title: "Parallel speedup: a heat stencil in bands, with halo exchange",
  exports: ["stencilWorker"],
  exercise: "labs/stencil-speedup/exercise/index.js",
  scenarios: publicScenarios,
  // Up to five workers plus the main thread. Grids are small: under SES lockdown V8 stores into typed
  // arrays ~20x slower than in plain Node (every prototype is frozen), so a sandboxed run is far slower than in-process.
  limits: { wallMs: 30_000, workers: 5, heapMb: 512, loopback: false },
  judge,
  withSeed,
};
