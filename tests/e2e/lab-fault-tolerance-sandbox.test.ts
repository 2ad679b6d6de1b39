/**
 * The fault-tolerance lab through the sandboxed runner (bwrap or unshare,
 * SES-confined submission, trusted fd-3 channel): the reference passes a
 * simulated scenario and the real-process one (three node processes over
 * ZeroMQ on the sandbox's own loopback, the primary SIGKILLed and restarted
 * from disk), and a known-wrong variant fails with its anomaly and seed.
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
  ({ lab } = (await import(join(dist, "labs/fault-tolerance/lab.js"))) as { lab: LabDefinition });
});

const scenario = (id: string): ScenarioSpec => lab.scenarios.find((s) => s.id === id)!;

describe("the fault-tolerance lab in the sandbox", () => {
  test("the reference passes a simulated scenario and the real-process scenario (SIGKILL + restart) inside the sandbox", async () => {
    const code = compileSubmission(readSubmission(join(root, lab.reference)), lab.exports);
    for (const id of ["public/crash-primary", "hidden/real-processes"]) {
      const outcome = await runScenario(lab, scenario(id), code, { distRoot: dist });
      const verdict = lab.judge(scenario(id), outcome, {});
      expect(`${id}: ${verdict.status} ${verdict.message}`).toMatch(/: passed /);
    }
  });

  test("a failure detector that never suspects fails the public crash scenario with its seed, unavailable", async () => {
    const code = compileSubmission(readSubmission(join(root, "labs/fault-tolerance/variants/never-suspects.ts")), lab.exports);
    const spec = scenario("public/crash-primary");
    const verdict = lab.judge(spec, await runScenario(lab, spec, code, { distRoot: dist }), {});
    expect(verdict.status).toBe("failed");
    expect(verdict.message).toContain("unavailable");
    expect(verdict.seed).toBe(1);
    expect(verdict.details).toMatch(/pardis-sim /);
  });
});
