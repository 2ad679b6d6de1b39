/**
 * The fault-tolerance lab against its reference (the instructor notebook's
 * answer cell) and its known-wrong variants, in this process (trusted code:
 * the lab's own solutions), on every simulated scenario: the reference scores
 * full marks, each variant fails exactly the scenarios listed for it with the
 * expected anomaly and a seed whose replay line reproduces the failure, and
 * the same submission always gets the same observations. The real-process
 * scenario runs in tests/e2e/lab-fault-tolerance-sandbox.test.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import type { ExerciseModule, LabDefinition, ScenarioSpec, SubmissionCode, Verdict } from "../../grader/lab/types.js";
import { compileSubmission } from "../../grader/lab/submission.js";
import { loadSubmission } from "../../grader/runner/load-submission.js";
import { runExerciseInProcess } from "../../grader/runner/in-process.js";
import { parseNotebook } from "../../grader/notebook.js";
import { studentNotebook, serializeNotebook } from "../../grader/publish/index.js";
import { notebookAnswer } from "../../grader/lab/submission.js";
import { checkLinearizability, simulate, type NodeProgram } from "../../runtime/index.js";
import { loadLabUnderTest } from "../support/labs.js";

const root = join(import.meta.dirname, "../..");

let lab: LabDefinition;
let exercise: ExerciseModule;
let reference: SubmissionCode;
let variantCode: ReadonlyMap<string, SubmissionCode>;

beforeAll(async () => {
  ({ lab, exercise, reference, variants: variantCode } = await loadLabUnderTest("fault-tolerance"));
});

/** Everything but the real processes: that one is the e2e test's. */
const simulatedScenarios = () => lab.scenarios.filter((s) => (s.params as { kind: string }).kind !== "cluster");

async function judged(code: SubmissionCode, spec: ScenarioSpec): Promise<Verdict> {
  return lab.judge(spec, await runExerciseInProcess(exercise, spec, code), {});
}

describe("the fault-tolerance lab", () => {
  test("has at least 100 simulated seeds in its hidden scenarios, 100 points, a real-process scenario, and four or more variants", () => {
    const hiddenSeeds = lab.scenarios
      .filter((s) => s.visibility === "hidden" && (s.params as { kind: string }).kind === "simulated")
      .reduce((n, s) => n + (s.params as { seeds: number[] }).seeds.length, 0);
    expect(hiddenSeeds).toBeGreaterThanOrEqual(100);
    expect(lab.scenarios.reduce((n, s) => n + s.points, 0)).toBe(100);
    expect(lab.scenarios.some((s) => (s.params as { kind: string }).kind === "cluster")).toBe(true);
    expect(lab.variants.length).toBeGreaterThanOrEqual(4);
  });

  test("the reference (instructor notebook) scores full marks on every simulated scenario", async () => {
    const verdicts = [];
    for (const spec of simulatedScenarios()) verdicts.push(await judged(reference, spec));
    expect(verdicts.filter((v) => v.status !== "passed").map((v) => `${v.scenario}: ${v.message}`)).toEqual([]);
    expect(verdicts.every((v) => v.points === v.maxPoints)).toBe(true);
  });

  test("each known-wrong variant fails exactly its scenarios, with the expected anomaly, a seed, a figure, and a replay that reproduces it", async () => {
    for (const variant of lab.variants) {
      const code = variantCode.get(variant.file)!;
      const failed: string[] = [];
      for (const spec of simulatedScenarios()) {
        const verdict = await judged(code, spec);
        if (verdict.status === "passed") continue;
        failed.push(spec.id);
        expect(verdict.points, `${variant.file} on ${spec.id}`).toBe(0);
        expect(verdict.message, `${variant.file} on ${spec.id}`).toContain(variant.expect);
        expect(verdict.seed, `${variant.file} on ${spec.id}`).toBeTypeOf("number");
        expect(verdict.figure, `${variant.file} on ${spec.id}`).toBeDefined();
        // The grader's replay: the same scenario narrowed to the seed fails the same way.
        const replayed = await judged(code, lab.withSeed!(spec, verdict.seed!));
        expect(replayed.status).toBe("failed");
        expect(replayed.message).toBe(verdict.message);
      }
      expect(failed, variant.file).toEqual(variant.fails.filter((id) => simulatedScenarios().some((s) => s.id === id)));
    }
  });

  test("a failing seed's simulator replay line reproduces the nonlinearizable run outside the grader", async () => {
    const spec = lab.scenarios.find((s) => s.id === "hidden/power-failure")!;
    const code = variantCode.get("volatile-state.ts")!;
    const verdict = await judged(code, spec);
    expect(verdict.status).toBe("failed");
    expect(verdict.details).toMatch(/nonlinearizable/);
    const replay = /pardis-sim .*/.exec(verdict.details ?? "")![0];
    const { kvNode } = loadSubmission(code, { confined: false }) as { kvNode: NodeProgram };
    const run = await simulate(kvNode, { replay, progress: false });
    expect(checkLinearizability(run.record).anomaly).toBe("nonlinearizable");
  });

  test("the same submission gives the same observations and verdicts, run after run", async () => {
    for (const id of ["public/crash-primary", "public/detector"]) {
      const spec = lab.scenarios.find((s) => s.id === id)!;
      const first = await runExerciseInProcess(exercise, spec, reference);
      const second = await runExerciseInProcess(exercise, spec, reference);
      expect(second.observations).toEqual(first.observations);
    }
  });

  test("malformed or missing observations fail the scenario with a message, never crash the judge", () => {
    const spec = lab.scenarios.find((s) => s.id === "public/crash-primary")!;
    const outcome = { exit: "ok" as const, log: "", wallMs: 1 };
    expect(lab.judge(spec, { ...outcome, observations: [] }, {}).message).toMatch(/no run was reported/);
    const bad = [{ kind: "run", seed: 1, replay: "", endMs: 1, history: [[1, "c1", "write", "0", 1, null, "ok", 5, 2, "n0", null]] }];
    expect(lab.judge(spec, { ...outcome, observations: bad }, {}).message).toMatch(/malformed history/);
    expect(lab.judge(spec, { ...outcome, observations: [null, 3, "x", { kind: "run", seed: 1 }, { kind: "run", seed: 1 }] }, {}).message).toMatch(/reported twice/);
    expect(lab.judge(spec, { exit: "timeout", observations: [], log: "", wallMs: 1, message: "wall clock" }, {}).status).toBe("failed");
    const detector = lab.scenarios.find((s) => s.id === "public/detector")!;
    expect(lab.judge(detector, { ...outcome, observations: [{ kind: "detector", seed: 1, beliefs: [[1, 2, 3]] }] }, {}).message).toMatch(/malformed/);
  });

  test("the student version (stubs) compiles and scores zero on the public checks without crashing", async () => {
    const path = join(root, lab.reference);
    const student = serializeNotebook(studentNotebook(parseNotebook(readFileSync(path, "utf8"), path)));
    expect(student).not.toContain("BEGIN SOLUTION");
    const stub = compileSubmission(notebookAnswer(student, "student.ipynb"), lab.exports);
    for (const spec of lab.scenarios.filter((s) => s.visibility === "public")) {
      const verdict = await judged(stub, spec);
      expect(verdict.status, spec.id).toBe("failed");
    }
  });
});
