/**
 * The sync-primitives lab through the sandboxed runner (bwrap or unshare,
 * SES-confined answer in the main thread and in every stress worker, trusted
 * fd-3 channel): the reference passes an explored scenario and a stress run
 * on real workers of each primitive, and known-wrong variants fail with the
 * failure they deserve (the explorer's with a seed; the stress run's deadlock
 * caught by the watchdog, not by the wall clock).
 */
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import type { LabDefinition, ScenarioSpec, SubmissionCode } from "../../grader/lab/types.js";
import { compileSubmission, readSubmission } from "../../grader/lab/submission.js";
import { runScenario } from "../../grader/runner/index.js";

const root = join(import.meta.dirname, "../..");
const dist = join(root, "dist");
let lab: LabDefinition;

beforeAll(async () => {
  ({ lab } = (await import(join(dist, "labs/sync-primitives/lab.js"))) as { lab: LabDefinition });
});

const scenario = (id: string): ScenarioSpec => lab.scenarios.find((s) => s.id === id)!;
const compiled = (path: string): SubmissionCode => compileSubmission(readSubmission(join(root, path)), lab.exports);

async function verdictOf(code: SubmissionCode, id: string) {
  const outcome = await runScenario(lab, scenario(id), code, { distRoot: dist });
  return { outcome, verdict: lab.judge(scenario(id), outcome, {}) };
}

describe("the sync-primitives lab in the sandbox", () => {
  test("the reference passes explored scenarios and stress runs on real workers, confined", async () => {
    const code = compiled(lab.reference);
    for (const id of ["mutex/explore-pct", "mutex/stress", "barrier/stress", "semaphore/explore-all-permits"]) {
      const { outcome, verdict } = await verdictOf(code, id);
      expect(`${id}: ${verdict.status} ${verdict.message}`, `${outcome.message ?? ""}\n${outcome.log}`).toMatch(/: passed /);
      expect(outcome.isolation).toBeDefined();
    }
  });

  test("a check-then-set mutex fails exploration with a seed; an unlock without notify deadlocks real workers (watchdog)", async () => {
    const racy = await verdictOf(compiled("labs/sync-primitives/variants/mutex-check-then-set.ts"), "mutex/explore-2-threads");
    expect(racy.verdict.status).toBe("failed");
    expect(racy.verdict.message).toContain("mutual exclusion violated");
    expect(racy.verdict.seed).toEqual(expect.any(Number));
    expect(racy.verdict.details).toContain("step │ T0");

    const stuck = await verdictOf(compiled("labs/sync-primitives/variants/mutex-unlock-without-notify.ts"), "mutex/stress");
    expect(stuck.outcome.exit).toBe("ok");
    expect(stuck.verdict.status).toBe("failed");
    expect(stuck.verdict.message).toMatch(/^deadlock .*no worker made progress/);
  });
});
