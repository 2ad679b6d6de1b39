/**
 * The stencil-speedup lab through the sandboxed runner (bwrap or unshare,
 * SES-confined answer in every worker thread of the team, trusted fd-3
 * channel): the reference passes correctness scenarios with uneven bands and
 * more workers than cores, and completes a speedup measurement whose every
 * timed result is right; a variant without the barrier fails with the
 * failure it deserves, confined as well.
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
  ({ lab } = (await import(join(dist, "labs/stencil-speedup/lab.js"))) as { lab: LabDefinition });
});

const scenario = (id: string): ScenarioSpec => lab.scenarios.find((s) => s.id === id)!;
const compiled = (path: string): SubmissionCode => compileSubmission(readSubmission(join(root, path)), lab.exports);

async function verdictOf(code: SubmissionCode, spec: ScenarioSpec) {
  const outcome = await runScenario(lab, spec, code, { distRoot: dist });
  return { outcome, verdict: lab.judge(spec, outcome, { reference: outcome }) };
}

describe("the stencil-speedup lab in the sandbox", () => {
  test("the reference is right with uneven bands and five workers on two cores, confined", async () => {
    const code = compiled(lab.reference);
    for (const id of ["correct/uneven-three", "correct/five-workers"]) {
      const { outcome, verdict } = await verdictOf(code, scenario(id));
      expect(`${id}: ${verdict.status} ${verdict.message}`, `${outcome.message ?? ""}\n${outcome.log}`).toMatch(/: passed /);
      expect(outcome.isolation).toBeDefined();
    }
  });

  test("the reference's speedup measurement completes in the sandbox with every timed grid right", async () => {
    const spec = scenario("speedup/quick");
    const { outcome, verdict } = await verdictOf(compiled(lab.reference), spec);
    expect(outcome.exit, `${outcome.message ?? ""}\n${outcome.log}`).toBe("ok");
    const timings = outcome.observations.filter((o) => (o as { kind?: string }).kind === "timing") as Array<Record<string, number>>;
    expect(timings).toHaveLength((spec.params as { repetitions: number }).repetitions);
    for (const timing of timings) expect([timing.checksum, timing.oneWorkerChecksum]).toEqual([timing.expectedChecksum, timing.expectedChecksum]);
    // Judged against itself: full points, or (a machine too busy to show any speedup) a refusal to grade, never a wrong grid.
    expect(verdict.message).toMatch(/× speedup with 2 workers|^cannot grade speedup: the reference itself/);
    console.log(`reference in the sandbox on ${spec.id}: ${verdict.message}`);
  });

  test("a variant without the barrier reads unposted ghost rows, confined too", async () => {
    const { verdict } = await verdictOf(compiled("labs/stencil-speedup/variants/no-sync.ts"), scenario("correct/uneven-three"));
    expect(verdict.status).toBe("failed");
    expect(verdict.message).toContain("ghost rows read before their neighbour posted them");
    expect(verdict.seed).toBe(21);
  });
});
