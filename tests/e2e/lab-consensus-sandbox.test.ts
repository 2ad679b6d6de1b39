/**
 * The consensus lab through the sandboxed runner (bwrap or unshare,
 * SES-confined submission, trusted fd-3 channel): the reference passes the
 * restart-heavy churn scenario (each life of each node gets a fresh copy of
 * the confined submission) and a partition scenario, and a known-wrong variant
 * fails with its anomaly, its seed and the simulator's replay line.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import type { LabDefinition, ScenarioSpec } from "../../grader/lab/types.js";
import { compileSubmission, readSubmission } from "../../grader/lab/submission.js";
import { runScenario } from "../../grader/runner/index.js";

const root = join(import.meta.dirname, "../..");
const dist = join(root, "dist");
let lab: LabDefinition;

beforeAll(async () => {
  ({ lab } = (await import(join(dist, "labs/consensus/lab.js"))) as { lab: LabDefinition });
});

const scenario = (id: string): ScenarioSpec => lab.scenarios.find((s) => s.id === id)!;

describe("the consensus lab in the sandbox", () => {
  test("the reference passes the churn and public partition scenarios inside the sandbox", async () => {
    const code = compileSubmission(readSubmission(join(root, lab.reference)), lab.exports);
    for (const id of ["hidden/churn", "public/partition"]) {
      const outcome = await runScenario(lab, scenario(id), code, { distRoot: dist });
      const verdict = lab.judge(scenario(id), outcome, {});
      expect(`${id}: ${verdict.status} ${verdict.message}`).toMatch(/: passed /);
    }
  });

  test("a vote kept in memory only fails the churn scenario with two leaders in a term, its seed and a replay line", async () => {
    const code = compileSubmission(readSubmission(join(root, "labs/consensus/variants/volatile-vote.ts")), lab.exports);
    const spec = scenario("hidden/churn");
    const verdict = lab.judge(spec, await runScenario(lab, spec, code, { distRoot: dist }), {});
    expect(verdict.status).toBe("failed");
    expect(verdict.message).toContain("two-leaders");
    expect(verdict.seed).toBeTypeOf("number");
    expect(verdict.details).toMatch(/pardis-sim /);
    expect(verdict.figure).toBeDefined();
  });
});
