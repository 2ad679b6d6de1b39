/**
 * The consensus lab against its reference (the instructor notebook's answer
 * cell) and its known-wrong variants, in this process (trusted code: the lab's
 * own solutions), on every scenario: the reference scores full marks, each
 * variant fails exactly the scenarios listed for it with the expected anomaly,
 * a seed, a figure and a replay that reproduces it; the same submission gets
 * the same observations every time; the stubs fail without crashing anything.
 * The sandboxed runner is tests/e2e/lab-consensus-sandbox.test.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import type { ExerciseModule, LabDefinition, ScenarioSpec, SubmissionCode, Verdict } from "../../grader/lab/types.js";
import { compileSubmission, notebookAnswer } from "../../grader/lab/submission.js";
import { runExerciseInProcess } from "../../grader/runner/in-process.js";
import { parseNotebook } from "../../grader/notebook.js";
import { serializeNotebook, studentNotebook } from "../../grader/publish/index.js";
import { loadLabUnderTest } from "../support/labs.js";

const root = join(import.meta.dirname, "../..");

let lab: LabDefinition;
let exercise: ExerciseModule;
let reference: SubmissionCode;
let variants: ReadonlyMap<string, SubmissionCode>;

beforeAll(async () => {
  ({ lab, exercise, reference, variants } = await loadLabUnderTest("consensus"));
});

const variant = (file: string) => variants.get(file)!;
const scenario = (id: string): ScenarioSpec => lab.scenarios.find((s) => s.id === id)!;

async function judged(code: SubmissionCode, spec: ScenarioSpec): Promise<Verdict> {
  return lab.judge(spec, await runExerciseInProcess(exercise, spec, code), {});
}

describe("the consensus lab", () => {
  test("has at least 100 hidden seeds over several scenarios, 100 points, and four or more variants", () => {
    const seeds = (s: ScenarioSpec) => (s.params as { seeds: number[] }).seeds.length;
    const hidden = lab.scenarios.filter((s) => s.visibility === "hidden");
    expect(hidden.reduce((n, s) => n + seeds(s), 0)).toBeGreaterThanOrEqual(100);
    expect(hidden.length).toBeGreaterThanOrEqual(4);
    expect(lab.scenarios.reduce((n, s) => n + s.points, 0)).toBe(100);
    expect(lab.variants.length).toBeGreaterThanOrEqual(4);
  });

  test("the reference (instructor notebook) scores full marks on every scenario", async () => {
    const verdicts: Verdict[] = [];
    for (const spec of lab.scenarios) verdicts.push(await judged(reference, spec));
    expect(verdicts.filter((v) => v.status !== "passed").map((v) => `${v.scenario}: ${v.message}`)).toEqual([]);
    expect(verdicts.every((v) => v.points === v.maxPoints)).toBe(true);
  });

  test("each known-wrong variant fails exactly its scenarios, with the expected anomaly, a seed, a figure, and a replay that reproduces it", async () => {
    for (const wrong of lab.variants) {
      const code = variant(wrong.file);
      const failed: string[] = [];
      for (const spec of lab.scenarios) {
        const verdict = await judged(code, spec);
        if (verdict.status === "passed") continue;
        failed.push(spec.id);
        const where = `${wrong.file} on ${spec.id}: ${verdict.message}`;
        expect(verdict.points, where).toBe(0);
        expect(verdict.seed, where).toBeTypeOf("number");
        expect(verdict.message, where).toContain(`seed ${verdict.seed}`);
        expect(verdict.details, where).toMatch(/pardis-sim /);
        expect(verdict.figure, where).toBeDefined();
        // The grader's replay: the scenario narrowed to the seed fails the same way.
        const replayed = await judged(code, lab.withSeed!(spec, verdict.seed!));
        expect(replayed.message, where).toBe(verdict.message);
        // Each failure names what the variant says it shows there (a safety bug that also stalls clients names liveness in hidden/liveness).
        expect(verdict.message, where).toContain(wrong.expectIn?.[spec.id] ?? wrong.expect);
      }
      expect(failed, wrong.file).toEqual(wrong.fails);
    }
  });

  test("the figure of a two-leader failure is a Lamport diagram with the leaders marked", async () => {
    const verdict = await judged(variant("no-step-down.ts"), scenario("public/partition"));
    expect(verdict.message).toMatch(/two-leaders: n\d and n\d both lead term \d+/);
    const figure = verdict.figure as { data: Array<{ name?: string; text?: string[] }> };
    const leaders = figure.data.find((trace) => trace.name === "becomes leader")!;
    expect(leaders.text!.length).toBeGreaterThanOrEqual(2);
  });

  test("the same submission gives the same observations, run after run", async () => {
    for (const id of ["public/partition", "hidden/churn"]) {
      const spec = lab.withSeed!(scenario(id), (scenario(id).params as { seeds: number[] }).seeds[1]!);
      const first = await runExerciseInProcess(exercise, spec, reference);
      const second = await runExerciseInProcess(exercise, spec, reference);
      expect(first.observations.length).toBe(1);
      expect(second.observations).toEqual(first.observations);
    }
  });

  test("malformed, missing or cut-short observations fail the scenario with a message, never crash the judge", () => {
    const spec = scenario("public/election");
    const ok = { exit: "ok" as const, log: "", wallMs: 1 };
    expect(lab.judge(spec, { ...ok, observations: [] }, {}).message).toMatch(/reported 0 of 3 seeds/);
    expect(lab.judge(spec, { ...ok, observations: [null, 3] }, {}).message).toMatch(/malformed: not a seed observation/);
    const seed = { kind: "seed", seed: 1, replay: "", endMs: 1, nodes: ["n0"], clients: [], trace: { leaders: [["n0", 1, "x"]], leaderLogs: [], commits: [], invalid: [] }, threw: [], history: [], refused: 0, faults: [] };
    expect(lab.judge(spec, { ...ok, observations: [seed] }, {}).message).toMatch(/trace.leaders malformed/);
    expect(lab.judge(spec, { ...ok, observations: [{ ...seed, seed: 2, trace: { ...seed.trace, leaders: [] } }] }, {}).message).toMatch(/expected seed 1/);
    expect(lab.judge(spec, { exit: "timeout", observations: [], log: "", wallMs: 1, message: "wall clock" }, {}).message).toMatch(/did not finish \(timeout\)/);
  });

  test("the student version (stubs) compiles and fails every public scenario, naming the stub that threw", async () => {
    const path = join(root, lab.reference);
    const student = serializeNotebook(studentNotebook(parseNotebook(readFileSync(path, "utf8"), path)));
    expect(student).not.toContain("BEGIN SOLUTION");
    expect(student).not.toContain("hidden: true");
    const stub = compileSubmission(notebookAnswer(student, "student.ipynb"), lab.exports);
    for (const spec of lab.scenarios.filter((s) => s.visibility === "public")) {
      const verdict = await judged(stub, spec);
      expect(verdict.status, spec.id).toBe("failed");
      expect(verdict.message, spec.id).toMatch(/seed 1: n0's RaftNode threw at 0 ms: .*not implemented yet/);
    }
  });

  test("a do-nothing node earns nothing: safety that was never put to the test is vacuous", async () => {
    const idle = compileSubmission(
      { ts: "export class RaftNode { role = 'follower'; currentTerm = 0; log = []; commitIndex = 0; receive() {} propose() { return false; } }", name: "idle.ts", fromNotebook: false },
      lab.exports,
    );
    const verdict = await judged(idle, lab.withSeed!(scenario("hidden/partitions"), 100));
    expect(verdict.status).toBe("failed");
    expect(verdict.message).toMatch(/vacuous/);
  });
});
