/**
 * The sync-primitives lab, graded in this process (trusted mode, no sandbox):
 * the reference (the instructor notebook's answer cells) scores full marks,
 * each known-wrong variant fails exactly the scenarios it lists, with the
 * expected message and (for explored scenarios) a seed that replays it, and
 * the stubbed notebook scores zero. Exercises are loaded from dist/ (npm run build).
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { compileSubmission, readSubmission } from "../../grader/lab/submission.js";
import type { ExerciseModule, ScenarioSpec, SubmissionCode, Verdict } from "../../grader/lab/types.js";
import { importExercise, runExerciseInProcess } from "../../grader/runner/in-process.js";
import { studentStubs } from "../../grader/grade/validate.js";
import { labTree } from "../../grader/lab/registry.js";
import { lab } from "../../labs/sync-primitives/lab.js";
import { publicLab } from "../../labs/sync-primitives/public.js";

const ROOT = new URL("../..", import.meta.url).pathname;
let exercise: ExerciseModule;

beforeAll(async () => {
  exercise = await importExercise(`${ROOT}dist`, lab.exercise);
});

async function grade(code: SubmissionCode, scenario: ScenarioSpec): Promise<Verdict> {
  return lab.judge(scenario, await runExerciseInProcess(exercise, scenario, code), {});
}

const explored = (scenario: ScenarioSpec) => (scenario.params as { kind: string }).kind === "explore";
const primitiveOf = (scenario: ScenarioSpec) => (scenario.params as { primitive: string }).primitive;
const FACTORIES: Readonly<Record<string, string>> = { mutex: "createMutex", barrier: "createBarrier", semaphore: "createSemaphore" };

/** A factory's source, without the solution markers: equal texts are the same code. */
function factorySource(source: string, name: string): string {
  const ts = `${source}\n`;
  const start = ts.indexOf(`function ${name}(`);
  return ts
    .slice(start, ts.indexOf("\n}\n", start))
    .replace(/^\s*\/\/ (BEGIN|END) SOLUTION\n/gm, "");
}

/**
 * Every scenario's verdict. Stress runs take a second or two each, so they are
 * skipped for a primitive whose source is the reference's, byte for byte: its
 * verdict is the reference's (checked on the reference itself).
 */
async function gradeAll(code: SubmissionCode, sameAsReference: (primitive: string) => boolean = () => false): Promise<Map<string, Verdict>> {
  const verdicts = new Map<string, Verdict>();
  for (const scenario of lab.scenarios) {
    if (!explored(scenario) && sameAsReference(primitiveOf(scenario))) continue;
    verdicts.set(scenario.id, await grade(code, scenario));
  }
  return verdicts;
}

function compileFile(path: string): SubmissionCode {
  return compileSubmission(readSubmission(`${ROOT}${path}`), lab.exports);
}

/** The student version's answer cells, stubbed by the publisher itself (what `pardis validate` grades). */
function stubbed(): SubmissionCode {
  const source = studentStubs(lab, labTree());
  expect(source.ts).not.toContain("compareExchange");
  return compileSubmission(source, lab.exports);
}

describe("lab sync-primitives", () => {
  it("has 100 points, unique scenario ids, and only public scenarios in the public part", () => {
    expect(lab.scenarios.reduce((sum, s) => sum + s.points, 0)).toBe(100);
    expect(new Set(lab.scenarios.map((s) => s.id)).size).toBe(lab.scenarios.length);
    expect(publicLab.scenarios.every((s) => s.visibility === "public")).toBe(true);
    expect(lab.scenarios.filter((s) => s.visibility === "public").map((s) => s.id)).toEqual(publicLab.scenarios.map((s) => s.id));
    for (const variant of lab.variants) for (const id of variant.fails) expect(lab.scenarios.map((s) => s.id)).toContain(id);
  });

  it("gives the reference (the instructor notebook) full marks, and explored verdicts are the same on a second run", async () => {
    const code = compileFile(lab.reference);
    const verdicts = await gradeAll(code);
    for (const verdict of verdicts.values()) expect(verdict, verdict.message).toMatchObject({ status: "passed", points: verdict.maxPoints });
    for (const scenario of lab.scenarios.filter(explored)) expect(await grade(code, scenario)).toEqual(verdicts.get(scenario.id));
  });

  for (const variant of lab.variants) {
    it(`${variant.file} fails exactly ${variant.fails.join(", ")}`, async () => {
      const code = compileFile(`labs/sync-primitives/variants/${variant.file}`);
      const reference = readSubmission(`${ROOT}${lab.reference}`).ts;
      const variantSource = readFileSync(`${ROOT}labs/sync-primitives/variants/${variant.file}`, "utf8");
      const same = (primitive: string) => factorySource(variantSource, FACTORIES[primitive]!) === factorySource(reference, FACTORIES[primitive]!);
      expect(["mutex", "barrier", "semaphore"].filter((p) => !same(p)), "each variant changes one primitive").toHaveLength(1);
      const verdicts = await gradeAll(code, same);
      const failed = [...verdicts.values()].filter((v) => v.status === "failed").map((v) => v.scenario);
      expect(failed.sort(), [...verdicts.values()].map((v) => `${v.scenario}: ${v.message}`).join("\n")).toEqual([...variant.fails].sort());
      for (const id of variant.fails) {
        const verdict = verdicts.get(id)!;
        const scenario = lab.scenarios.find((s) => s.id === id)!;
        expect(verdict.points).toBe(0);
        expect(verdict.message).toContain(variant.expect);
        if (!explored(scenario)) continue;
        // The seed replays the failure: the scenario narrowed to it fails the same way; the verdict is deterministic.
        expect(verdict.seed).toEqual(expect.any(Number));
        expect(verdict.details).toContain("step │ T0");
        expect(verdict.figure).toMatchObject({ data: expect.any(Array), layout: expect.any(Object) });
        const replay = await grade(code, lab.withSeed!(scenario, verdict.seed!));
        expect(replay.status).toBe("failed");
        expect(replay.message).toBe(verdict.message);
        expect(await grade(code, scenario)).toEqual(verdict);
      }
    });
  }

  it("gives the stubbed notebook (what learners start from) zero, saying the code is not implemented", async () => {
    const verdicts = await gradeAll(stubbed());
    for (const verdict of verdicts.values()) {
      expect(verdict.points).toBe(0);
      expect(verdict.message).toContain("not implemented yet");
    }
  });
});

describe("lab sync-primitives judge", () => {
  const scenario = lab.scenarios.find((s) => s.id === "mutex/explore-2-threads")!;
  const stress = lab.scenarios.find((s) => s.id === "mutex/stress")!;
  const outcome = { exit: "ok" as const, log: "", wallMs: 1 };

  it("fails a scenario, without throwing, on missing or malformed observations", () => {
    for (const observations of [[], [{ kind: "explore" }], [{ kind: "explore", ok: true, failures: "none" }], [null, 3, "x"], [{ kind: "stress", errors: [1] }]]) {
      for (const s of [scenario, stress]) {
        const verdict = lab.judge(s, { ...outcome, observations }, {});
        expect(verdict).toMatchObject({ status: "failed", points: 0 });
        expect(verdict.message).toMatch(/malformed or missing/);
      }
    }
    const forged = { kind: "explore", program: "p", ok: true, strategy: "random", seed: 1, runs: 1, schedules: 1, failures: [{ kind: "deadlock" }], droppedEvents: [] };
    expect(lab.judge(scenario, { ...outcome, observations: [forged] }, {}).status).toBe("failed");
  });

  it("says why a run that did not end normally failed", () => {
    expect(lab.judge(stress, { ...outcome, exit: "timeout", observations: [] }, {}).message).toMatch(/time limit/);
    expect(lab.judge(stress, { ...outcome, exit: "error", message: "createMutex is not a function", observations: [] }, {}).message).toMatch(/createMutex is not a function/);
  });
});

describe("lab sync-primitives notebook", () => {
  it("declares the Cells API exactly as the exercise's api.ts does", () => {
    const notebook = JSON.parse(readFileSync(`${ROOT}${lab.reference}`, "utf8")) as { cells: Array<{ id: string; source: string | string[] }> };
    const cell = notebook.cells.find((c) => c.id === "sp-api")!;
    const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
    const api = readFileSync(`${ROOT}labs/sync-primitives/exercise/api.ts`, "utf8");
    const declarations = (text: string) => [...text.matchAll(/^(?:export )?(?:interface|type) (\w+)/gm)].map((m) => m[1]);
    expect(declarations(source)).toEqual(declarations(api).filter((name) => name !== "CellCounts"));
    expect(source.replace(/\s+/g, " ")).toContain(
      api
        .slice(api.indexOf("export interface Cells"), api.indexOf("/** One thread's handle on a shared mutex"))
        .replace(/^export /gm, "")
        .replace(/\s+/g, " ")
        .trim(),
    );
  });
});
