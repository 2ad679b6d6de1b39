/**
 * The grading pipeline on a tiny fixture lab (tests/fixtures/grade-lab): the
 * reports' shapes (a Gradescope-valid results.json, JUnit, feedback), the same
 * score every time, and the failures a grader must turn into verdicts rather
 * than crashes. Runs in-process: the sandbox has tests of its own.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { checkLab, sourceOfValues } from "../../dist/grader/check.js";
import { formatValidation, gradeSubmission, gradeWithLab, Pool, selectScenarios, validateLab } from "../../dist/grader/grade/index.js";
import { judgeOutcome } from "../../dist/grader/grade/verdict.js";
import { labTree, listLabs, loadLab } from "../../dist/grader/lab/registry.js";

const root = resolve(import.meta.dirname, "../fixtures/grade-lab");
const tree = labTree(root, join(root, "built"));
const reference = join(root, "labs/tiny/tiny.ipynb");
const offByOne = join(root, "labs/tiny/variants/big-off-by-one.ts");
const options = { tree, isolation: "in-process" as const };

function temp(): string {
  return mkdtempSync(join(tmpdir(), "pardis-grade-"));
}

function readJson(path: string): any {
  return JSON.parse(readFileSync(path, "utf8"));
}

describe("results.json", () => {
  test("is Gradescope-valid: required keys, score = sum of the tests, hidden tests shown after publishing", async () => {
    const out = temp();
    await gradeSubmission(offByOne, "tiny", { ...options, outDir: out });
    const results = readJson(join(out, "results.json"));
    expect(Object.keys(results)).toEqual(expect.arrayContaining(["score", "execution_time", "output", "output_format", "tests", "extra_data"]));
    expect(results.output_format).toBe("md");
    expect(results.score).toBe(results.tests.reduce((sum: number, t: any) => sum + t.score, 0));
    expect(results.score).toBe(3);
    for (const t of results.tests) {
      expect(Object.keys(t)).toEqual(expect.arrayContaining(["name", "number", "score", "max_score", "status", "output", "visibility", "extra_data"]));
      expect(["passed", "failed"]).toContain(t.status);
      expect(t.extra_data.lab).toBe("tiny");
    }
    const byScenario = Object.fromEntries(results.tests.map((t: any) => [t.extra_data.scenario, t]));
    expect(byScenario["tiny/sum"].visibility).toBe("visible");
    expect(byScenario["tiny/many"].visibility).toBe("after_published");
    expect(byScenario["tiny/many"].output).toContain("seed: `6`");
    expect(byScenario["tiny/many"].output).toContain("--only tiny/many --seed 6");
    expect(results.output).toContain("public checks: 1/1 passed · hidden results pending");
    expect(results.extra_data.isolation).toMatch(/in-process/);
    // Hidden scenarios' parameters never leave the grader.
    expect(JSON.stringify(results)).not.toMatch(/"params"|"kind":"many"|\[1,2,3/);
  });

  test("a submission that does not parse still gets a results.json: every scenario 0, with the line that is wrong", async () => {
    const dir = temp();
    const broken = join(dir, "broken.ts");
    writeFileSync(broken, "export function add(a: number, b: number) {\n  return a +;\n}\n");
    const report = await gradeSubmission(broken, "tiny", { ...options, outDir: join(dir, "out") });
    const results = readJson(join(dir, "out/results.json"));
    expect(results.score).toBe(0);
    expect(results.tests).toHaveLength(3);
    expect(results.tests.every((t: any) => t.score === 0 && t.status === "failed")).toBe(true);
    expect(results.output).toMatch(/could not be run: broken\.ts:2:\d+: Expression expected/);
    expect(report.compileError).toMatch(/broken\.ts:2/);
    expect(readFileSync(join(dir, "out/feedback.md"), "utf8")).toContain("could not be run");
  });

  test("a submission without a required name says which", async () => {
    const dir = temp();
    writeFileSync(join(dir, "other.ts"), "export function sum(a: number, b: number) { return a + b; }\n");
    const report = await gradeSubmission(join(dir, "other.ts"), "tiny", options);
    expect(report.score).toBe(0);
    expect(report.results[0]!.message).toContain("does not define `add`");
  });
});

describe("junit.xml and the feedback report", () => {
  test("one testcase per scenario; failures carry the seed and the replay line; the HTML draws the figure offline", async () => {
    const out = temp();
    await gradeSubmission(offByOne, "tiny", { ...options, outDir: out });
    const junit = readFileSync(join(out, "junit.xml"), "utf8");
    expect(junit.match(/<testcase /g)).toHaveLength(3);
    expect(junit.match(/<failure /g)).toHaveLength(1);
    expect(junit).toContain('name="tiny/many"');
    expect(junit).toMatch(/<failure message="wrong sum for seed 6[^"]*"[^>]*>[^<]*seed: 6[^<]*replay: npx pardis grade/);
    const markdown = readFileSync(join(out, "feedback.md"), "utf8");
    expect(markdown).toContain("### ✗ adds for many seeds (`tiny/many`): 0/3");
    expect(markdown).toContain("add(6, 12) returned 19");
    expect(markdown).toMatch(/npx pardis grade \S+big-off-by-one\.ts --lab tiny --only tiny\/many --seed 6/);
    const html = readFileSync(join(out, "feedback.html"), "utf8");
    expect(html).toContain('<div class="figure" id="figure-1"');
    expect(html).toContain("Plotly.newPlot");
    expect(html).not.toMatch(/<script[^>]+src=/); // the plotly bundle is inlined: no network, no file next to it
    expect(html.length).toBeGreaterThan(1_000_000);
  });

  test("hidden scenarios can be reduced to their outcome in the feedback", async () => {
    const out = temp();
    await gradeSubmission(offByOne, "tiny", { ...options, outDir: out, hiddenFeedback: "outcome" });
    const markdown = readFileSync(join(out, "feedback.md"), "utf8");
    expect(markdown).not.toContain("add(6, 12)");
    expect(markdown).toContain("details are withheld");
  });
});

describe("the same submission always gets the same score", () => {
  test("three gradings of a variant agree verdict by verdict", async () => {
    const runs = await Promise.all([1, 2, 3].map(() => gradeSubmission(offByOne, "tiny", options)));
    const shape = (r: (typeof runs)[number]) => r.results.map(({ scenario, points, status, message, seed }) => ({ scenario, points, status, message, seed }));
    expect(shape(runs[1]!)).toEqual(shape(runs[0]!));
    expect(shape(runs[2]!)).toEqual(shape(runs[0]!));
  });
});

describe("replay: --only and --seed", () => {
  test("narrow the run to one scenario and one seed, which reproduces the failure", async () => {
    const lab = await loadLab("tiny", tree);
    expect(selectScenarios(lab, ["tiny/many"], 6)[0]!.params).toEqual({ kind: "many", seeds: [6] });
    const report = await gradeSubmission(offByOne, "tiny", { ...options, only: ["tiny/many"], seed: 6 });
    expect(report.results.map((r) => [r.scenario, r.status, r.seed])).toEqual([["tiny/many", "failed", 6]]);
    const passing = await gradeSubmission(offByOne, "tiny", { ...options, only: ["tiny/many"], seed: 5 });
    expect(passing.results[0]!.status).toBe("passed");
  });

  test("an unknown scenario or lab is named with the ones that exist", async () => {
    await expect(gradeSubmission(offByOne, "tiny", { ...options, only: ["tiny/nope"] })).rejects.toThrow(/no scenario "tiny\/nope".*tiny\/sum, tiny\/many, tiny\/relative/);
    await expect(gradeSubmission(offByOne, "nope", options)).rejects.toMatchObject({ code: "unknown-lab", message: expect.stringContaining("the labs are: tiny") });
    expect(listLabs(tree)).toEqual(["tiny"]);
  });
});

describe("verdicts at the edges", () => {
  test("a judge that throws is the grader's error on that scenario, never a crash", async () => {
    const lab = await loadLab("tiny", tree);
    const broken = { ...lab, judge: () => { throw new Error("a bug in the judge"); } };
    const report = await gradeWithLab(broken, reference, { ...options, only: ["tiny/sum"] });
    expect(report.results[0]).toMatchObject({ status: "failed", points: 0, infrastructure: true });
    expect(report.results[0]!.message).toMatch(/^internal grader error/);
  });

  test("limits become clear failures; the address-space limit is reported as ours", async () => {
    const lab = await loadLab("tiny", tree);
    const scenario = lab.scenarios[0]!;
    const outcome = (exit: string, observations: unknown[] = [{ sum: 5 }]) => ({ exit, observations, log: "", wallMs: 20000 }) as any;
    const timeout = judgeOutcome(lab, scenario, outcome("timeout"), {});
    expect(timeout.verdict).toMatchObject({ status: "failed", points: 0 });
    expect(timeout.verdict.message).toMatch(/^your code ran past the 20 s limit/);
    expect(judgeOutcome(lab, scenario, outcome("heap-limit"), {}).verdict.message).toMatch(/128 MB limit/);
    expect(judgeOutcome(lab, scenario, outcome("output-limit"), {}).verdict.message).toMatch(/printed more output/);
    const ours = judgeOutcome(lab, scenario, outcome("address-space-limit"), {});
    expect(ours.infrastructure).toBe(true);
    expect(ours.verdict.message).toMatch(/grader infrastructure error.*not your code's fault/);
  });

  test("the pool never runs more than its size at once, and a wide task runs alone", async () => {
    const pool = new Pool(2);
    let running = 0;
    let most = 0;
    let wideSawOthers = false;
    const task = (wide: boolean) => async () => {
      running += 1;
      most = Math.max(most, running);
      if (wide && running > 1) wideSawOthers = true;
      await new Promise((r) => setImmediate(r));
      running -= 1;
    };
    await Promise.all([...Array.from({ length: 6 }, () => pool.run(task(false))), pool.run(task(true), 2), ...Array.from({ length: 3 }, () => pool.run(task(false)))]);
    expect(most).toBe(2);
    expect(wideSawOthers).toBe(false);
  });
});

describe("pardis validate", () => {
  test("the fixture lab: reference full marks, stubs zero, each variant loses exactly its scenarios", async () => {
    const rows = await validateLab("tiny", options);
    expect(rows.map((r) => [r.case, r.ok, r.problems])).toEqual([
      ["reference", true, []],
      ["student stubs", true, []],
      ["minus.ts", true, []],
      ["big-off-by-one.ts", true, []],
    ]);
    expect(formatValidation(rows)).toMatch(/all 4 checks match/);
  });

  test("a variant listed with the wrong scenarios is a mismatch that names them", async () => {
    const lab = await loadLab("tiny", tree);
    const wrong = { ...lab, variants: [{ file: "big-off-by-one.ts", bug: "x", fails: ["tiny/sum"], expect: "nothing like this" }] };
    // validateLab loads the lab from its tree; the mismatch it would find is checked on the grading it does, then its table.
    const report = await gradeWithLab(wrong, offByOne, options);
    expect(report.results.filter((r) => r.status === "failed").map((r) => r.scenario)).toEqual(["tiny/many"]);
    const text = formatValidation([{ lab: "tiny", case: "big-off-by-one.ts", expected: "fails tiny/sum", got: "3/6, fails tiny/many", ok: false, problems: ["tiny/sum should fail (x) but passed"] }]);
    expect(text).toMatch(/✗ +tiny +big-off-by-one\.ts[\s\S]*tiny\/sum should fail[\s\S]*1 of 1 checks do not match/);
  });
});

describe("checkLab (a notebook's public checks)", () => {
  test("runs the public scenarios on the values' source and shows a table; hidden ones run when you submit", async () => {
    function add(a: number, b: number) {
      return a + b;
    }
    const result = await checkLab("tiny", { add }, options);
    expect(result.summary).toBe("public checks: 1/1 passed · hidden checks run when you submit");
    const bundle = (result as any)[Symbol.for("Jupyter.display")]();
    expect(bundle["text/markdown"]).toContain("| ✓ | adds two numbers (`tiny/sum`) | 2/2 |");
    expect(bundle["text/plain"]).toContain("✓ tiny/sum  2/2");
  });

  test("a failing answer does not throw; hidden checks run where the whole lab is", async () => {
    const result = await checkLab("tiny", { add: (a: number, b: number) => a + b + (a > 5 ? 1 : 0) }, { ...options, hidden: true });
    expect(result.summary).toBe("public checks: 1/1 passed · hidden checks: 1/2 passed");
    const failing = await checkLab("tiny", { add: (a: number, b: number) => a - b }, options);
    expect(failing.summary).toBe("public checks: 0/1 passed · hidden checks run when you submit");
    expect(failing.report.results[0]!.message).toContain("returned -1");
  });

  test("an answer defined in a pardis notebook passes although its loops carry the kernel's interrupt guards", async () => {
    // What the kernel makes of `function add(a, b) { let s = a; for (...) s++; return s; }`: a guard in every loop body.
    const add = new Function(
      "return function add(a, b) { let __pardisLoopTicks = 0; let s = a; for (let i = 0; i < b; i++) { if (--__pardisLoopTicks < 0) { __pardisLoopTicks = 127; __pardisLoopGuard(); } s++; } return s; }",
    )();
    const result = await checkLab("tiny", { add }, options);
    expect(result.report.results[0]!.message).not.toContain("__pardisLoopGuard");
    expect(result.summary).toBe("public checks: 1/1 passed · hidden checks run when you submit");
  });

  test("values become declarations: functions, arrows, methods, classes, data", () => {
    const object = { twice(x: number) { return 2 * x; } };
    const source = sourceOfValues({ add: function add(a: number, b: number) { return a + b; }, inc: (x: number) => x + 1, twice: object.twice, K: 3, Box: class Box {} }).ts;
    expect(source).toContain("function add(a, b)");
    expect(source).toContain("const inc = (x) => x + 1;");
    expect(source).toContain("const twice = ({ twice(x)");
    expect(source).toContain("const K = 3;");
    expect(source).toContain("class Box");
  });

  test("wrong arguments throw", async () => {
    await expect(checkLab("", { add: 1 }, options)).rejects.toThrow(/lab id/);
    await expect(checkLab("tiny", null as any, options)).rejects.toThrow(/as an object/);
    await expect(checkLab("tiny", { add: Math.max }, options)).rejects.toThrow(/built-in/);
  });
});
