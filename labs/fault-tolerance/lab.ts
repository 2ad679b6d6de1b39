/**
 * Lab 3, fault tolerance, as the grader holds it: the public scenarios plus
 * the hidden ones (150 simulated seeds in all, split so that two cores share
 * them, and a run on real processes), the instructor notebook as the
 * reference, and the known-wrong variants with what each must lose.
 */
import type { LabDefinition } from "../../grader/lab/types.js";
import { publicLab } from "./public.js";
import { crashPrimary, detector, powerFailure, realProcesses, rollingRestarts, swarm } from "./scenarios.js";

export const lab: LabDefinition = {
  ...publicLab,
  scenarios: [
    ...publicLab.scenarios,
    crashPrimary("hidden/crash-primary", "hidden", 5, [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]),
    detector("hidden/detector-heavy-loss", "hidden", 10, [11, 12, 13, 14, 15, 16, 17, 18], 0.3),
    powerFailure("hidden/power-failure", 10, [21, 22, 23, 24, 25, 26, 27, 28, 29, 30]),
    rollingRestarts("hidden/rolling-restarts", 10, [31, 32, 33, 34, 35, 36, 37, 38, 39, 40]),
    swarm("hidden/swarm-1", 8, 101, 30),
    swarm("hidden/swarm-2", 8, 131, 30),
    swarm("hidden/swarm-3", 8, 161, 30),
    swarm("hidden/swarm-4", 8, 191, 30),
    realProcesses("hidden/real-processes", 8, [1]),
  ],
  reference: "labs/fault-tolerance/fault-tolerance.ipynb",
  variants: [
    {
      file: "reply-before-replication.ts",
      bug: "the primary answers before a majority holds the operation (the backups get it a heartbeat later): a crash right after an answer loses an acknowledged write",
      fails: ["hidden/rolling-restarts", "hidden/swarm-1", "hidden/swarm-2", "hidden/swarm-3", "hidden/swarm-4"],
      expect: "nonlinearizable",
    },
    {
      file: "volatile-state.ts",
      bug: "view and values only in memory: when every node restarts, acknowledged writes are gone",
      fails: ["hidden/power-failure"],
      expect: "nonlinearizable",
    },
    {
      file: "never-suspects.ts",
      bug: "the failure detector never suspects anyone: a primary that crashes for good is never replaced",
      fails: ["public/crash-primary", "public/detector", "hidden/crash-primary", "hidden/detector-heavy-loss"],
      expect: "unavailable",
    },
    {
      file: "eager-detector.ts",
      bug: "the failure detector suspects after one missed heartbeat and never lengthens its timeout: under loss it suspects live nodes forever",
      fails: ["public/detector", "hidden/detector-heavy-loss"],
      expect: "suspected live",
    },
    {
      file: "own-state-takeover.ts",
      bug: "a new primary keeps its own values instead of the newest state of the majority that promised: a write the old primary got acknowledged by the others disappears",
      fails: ["hidden/swarm-1", "hidden/swarm-2", "hidden/swarm-3", "hidden/swarm-4"],
      expect: "nonlinearizable",
    },
  ],
};
