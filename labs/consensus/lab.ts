/**
 * Lab 4, consensus, as the grader holds it: the public scenarios plus the
 * hidden ones (130 simulated seeds in all, in five scenarios so two cores
 * share them), the instructor notebook as the reference, and the known-wrong
 * variants with what each must lose.
 */
import type { LabDefinition } from "../../grader/lab/types.js";
import { publicLab } from "./public.js";
import { churn, crashes, liveness, lossy, partitions } from "./scenarios.js";

const SAFETY = ["hidden/partitions", "hidden/crashes", "hidden/lossy"];

export const lab: LabDefinition = {
  ...publicLab,
  scenarios: [
    ...publicLab.scenarios,
    partitions("hidden/partitions", 15, 100, 30),
    crashes("hidden/crashes", 15, 200, 30),
    lossy("hidden/lossy", 15, 300, 20),
    churn("hidden/churn", 15, 500, 20),
    liveness("hidden/liveness", 20, 400, 30),
  ],
  reference: "labs/consensus/consensus.ipynb",
  variants: [
    {
      file: "volatile-vote.ts",
      bug: "term and vote kept in memory only: a voter that crashes and restarts votes again in the same term",
      fails: ["hidden/crashes", "hidden/churn"],
      expect: "two-leaders",
    },
    {
      file: "vote-ignores-log.ts",
      bug: "votes granted without the up-to-date check: a node missing committed entries wins and overwrites them (in-flight operations too, so clients also go unanswered after the faults)",
      fails: ["public/partition", ...SAFETY, "hidden/churn", "hidden/liveness"],
      expect: "divergent-commit",
      expectIn: { "hidden/liveness": "got no answer" },
    },
    {
      file: "no-log-matching.ts",
      bug: "AppendEntries accepted without checking the term at prevLogIndex: a stale entry survives under a leader that believes the logs match",
      fails: SAFETY,
      expect: "divergent-commit",
    },
    {
      file: "no-step-down.ts",
      bug: "a leader that sees a newer term adopts it but keeps leading: two leaders in one term",
      fails: ["public/partition", ...SAFETY],
      expect: "two-leaders",
    },
    {
      file: "fixed-timeout.ts",
      bug: "the election timeout is not randomized: nodes that start together split every vote, forever",
      fails: ["public/election", "public/partition", "hidden/liveness"],
      expect: "liveness",
    },
  ],
};
