/**
 * Lab 4, consensus: what a learner's machine holds. The public checks (a few
 * seeds without faults, and a few with one partition) and the judge.
 */
import type { PublicLab } from "../../grader/lab/types.js";
import { judge, withSeed } from "./judge.js";
import { election, onePartition } from "./scenarios.js";

export const publicLab: PublicLab = {
  id: "consensus",
  title: "Consensus: Raft leader election and log replication under partitions",
  exports: ["RaftNode"],
  exercise: "labs/consensus/exercise/index.js",
  scenarios: [election("public/election", "public", 10, [1, 2, 3]), onePartition("public/partition", "public", 10, [1, 2, 3])],
  limits: { wallMs: 60_000, workers: 0, heapMb: 512, loopback: false },
  judge: (scenario, outcome) => judge(scenario, outcome),
  withSeed,
};
