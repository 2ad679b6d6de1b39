/**
 * The whole stencil-speedup lab (grader side only): public and hidden
 * scenarios, the reference (the instructor notebook) and the known-wrong
 * variants with exactly what each must lose.
 */
import type { LabDefinition, ScenarioSpec } from "../../grader/lab/types.js";
import { publicLab, publicScenarios, STAGGER_MS } from "./public.js";

const hiddenScenarios: readonly ScenarioSpec[] = [
  {
    id: "correct/uneven-three",
    title: "Three workers, 31 rows (bands cannot be equal)",
    points: 3,
    visibility: "hidden",
    params: { kind: "correctness", workers: 3, rows: 31, cols: 20, steps: 12, seed: 21, staggerMs: STAGGER_MS },
  },
  {
    id: "correct/five-workers",
    title: "Five workers on a two-core machine, 37 rows",
    points: 3,
    visibility: "hidden",
    params: { kind: "correctness", workers: 5, rows: 37, cols: 24, steps: 16, seed: 22, staggerMs: STAGGER_MS },
  },
  {
    id: "correct/thin-bands",
    title: "Four workers, 6 rows: bands of one or two rows",
    points: 2,
    visibility: "hidden",
    params: { kind: "correctness", workers: 4, rows: 6, cols: 10, steps: 9, seed: 23, staggerMs: STAGGER_MS },
  },
  {
    id: "correct/even-four",
    title: "Four workers, 32 rows (equal bands)",
    points: 2,
    visibility: "hidden",
    params: { kind: "correctness", workers: 4, rows: 32, cols: 16, steps: 10, seed: 24, staggerMs: STAGGER_MS },
  },
  {
    id: "speedup/two-workers",
    title: "Speedup with two workers, against the reference in the same grading run",
    points: 5,
    visibility: "hidden",
    wallMs: 60_000,
    params: {
      kind: "speedup",
      workers: 2,
      rows: 256,
      cols: 256,
      targetMs: 200,
      minSteps: 4,
      maxSteps: 2000,
      seed: 25,
      repetitions: 5,
      check: { rows: 40, cols: 24, steps: 12, seed: 26, staggerMs: STAGGER_MS },
    },
  },
];

const MULTI_WORKER = ["correct/two-workers", "speedup/quick", "correct/uneven-three", "correct/five-workers", "correct/thin-bands", "correct/even-four", "speedup/two-workers"];

export const lab: LabDefinition = {
  ...publicLab,
  scenarios: [...publicScenarios, ...hiddenScenarios],
  reference: "labs/stencil-speedup/stencil-speedup.ipynb",
  needsReference: ["speedup/quick", "speedup/two-workers"],
  variants: [
    {
      file: "no-halo.ts",
      bug: "ghost rows filled once from the initial grid, never exchanged",
      fails: ["correct/one-worker", ...MULTI_WORKER],
      expect: "wrong grid",
    },
    {
      file: "no-sync.ts",
      bug: "halo rows posted and read without the barrier",
      fails: MULTI_WORKER,
      expect: "ghost rows read before their neighbour posted them",
    },
    {
      file: "barrier-too-late.ts",
      bug: "ghost rows read before the barrier instead of after it",
      fails: MULTI_WORKER,
      expect: "ghost rows read before their neighbour posted them",
    },
    {
      file: "off-by-one-split.ts",
      bug: "bands of floor(rows / workers) rows: the remainder rows belong to nobody",
      fails: ["correct/uneven-three", "correct/five-workers", "correct/thin-bands"],
      expect: "never written",
    },
    {
      file: "serial.ts",
      bug: "worker 0 computes the whole grid alone (correct, no speedup)",
      fails: ["speedup/quick", "speedup/two-workers"],
      expect: "no parallel speedup",
    },
  ],
};
