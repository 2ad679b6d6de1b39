/**
 * Lab 3, fault tolerance: what a learner's machine holds. The public checks
 * (a few seeds of a primary crash, and the failure detector) and the judge.
 */
import type { PublicLab } from "../../grader/lab/types.js";
import { judge, withSeed } from "./judge.js";
import { crashPrimary, detector } from "./scenarios.js";

export const publicLab: PublicLab = {
  id: "fault-tolerance",
  title: "Fault tolerance: a failure detector and a primary-backup key-value store",
  exports: ["kvNode"],
  exercise: "labs/fault-tolerance/exercise/index.js",
  scenarios: [crashPrimary("public/crash-primary", "public", 15, [1, 2, 3, 4]), detector("public/detector", "public", 10, [1, 2], 0.2)],
  limits: { wallMs: 60_000, workers: 0, heapMb: 512, loopback: true },
  judge: (scenario, outcome) => judge(scenario, outcome),
  withSeed,
};
