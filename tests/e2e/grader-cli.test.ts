/**
 * `pardis grade`, `pardis validate` and `pardis grader package` as an
 * instructor runs them: the real bin, the real sandbox, the four reports.
 * The fixture lab (tests/fixtures/grade-lab) keeps runs short; one test grades
 * a real lab's reference notebook on two of its scenarios.
 */
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { packageLab } from "../../dist/grader/grade/index.js";
import { labTree } from "../../dist/grader/lab/registry.js";

const repo = resolve(import.meta.dirname, "../..");
const bin = join(repo, "dist/kernel/cli.js");
const fixture = join(repo, "tests/fixtures/grade-lab");
const fixtureTree = ["--lab-root", fixture, "--lab-dist", join(fixture, "built")];

/** The bin, run asynchronously (a long synchronous spawn would starve vitest's worker). */
async function pardis(args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 300_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

function temp(): string {
  return mkdtempSync(join(tmpdir(), "pardis-grader-cli-"));
}

const json = (path: string) => JSON.parse(readFileSync(path, "utf8"));

describe("pardis grade", () => {
  test("grades a variant in the sandbox: four reports, the isolation in force, a replay line that reproduces the failure", async () => {
    const out = temp();
    const variant = join(fixture, "labs/tiny/variants/big-off-by-one.ts");
    const run = await pardis(["grade", variant, "--lab", "tiny", "--out", out, ...fixtureTree]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("score 3/6 · public checks: 1/1 passed · hidden checks: 1/2 passed");
    expect(run.stdout).toMatch(/^isolation: \S/m);
    for (const file of ["results.json", "junit.xml", "feedback.md", "feedback.html"]) expect(existsSync(join(out, file))).toBe(true);
    const results = json(join(out, "results.json"));
    expect(results.score).toBe(3);
    expect(results.extra_data.isolation).not.toMatch(/in-process/);

    const replay = /replay: (npx pardis grade .*)$/m.exec(run.stdout)![1]!;
    expect(replay).toBe(`npx pardis grade ${variant} --lab tiny --only tiny/many --seed 6`);
    const again = await pardis(["grade", ...replay.split(" ").slice(3), "--out", join(out, "replay"), ...fixtureTree]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("wrong sum for seed 6: got 19, expected 18");
    expect(json(join(out, "replay/results.json")).tests).toHaveLength(1);
  });

  test("wrong arguments exit 2 with the usage; an unknown lab names the labs and still leaves a results.json", async () => {
    expect((await pardis(["grade", "--lab", "tiny"])).code).toBe(2);
    const seed = await pardis(["grade", "x.ts", "--lab", "tiny", "--seed", "soon"]);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain("--seed must be an integer");
    expect(seed.stderr).toContain("usage:");
    expect((await pardis(["grade", "x.ts", "--lab", "tiny", "--frobnicate"])).stderr).toContain("unknown option --frobnicate");
    const out = temp();
    const unknown = await pardis(["grade", join(fixture, "labs/tiny/tiny.ipynb"), "--lab", "nope", "--out", out, ...fixtureTree]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown lab "nope"; the labs are: tiny');
    expect(json(join(out, "results.json"))).toMatchObject({ score: 0, tests: [] });
    expect((await pardis(["grade", "--help"])).code).toBe(0);
  });

  test.skipIf(!existsSync(join(repo, "dist/labs/stencil-speedup/lab.js")) || !existsSync(join(repo, "labs/stencil-speedup/stencil-speedup.ipynb")))(
    "grades a real lab's reference notebook (stencil-speedup, two scenarios) with full marks",
    async () => {
      const out = temp();
      const notebook = join(repo, "labs/stencil-speedup/stencil-speedup.ipynb");
      const run = await pardis(["grade", notebook, "--lab", "stencil-speedup", "--only", "correct/one-worker,correct/two-workers", "--out", out]);
      expect(run.code).toBe(0);
      const results = json(join(out, "results.json"));
      expect(results.tests.map((t: any) => [t.extra_data.scenario, t.status])).toEqual([
        ["correct/one-worker", "passed"],
        ["correct/two-workers", "passed"],
      ]);
      expect(results.score).toBe(results.tests.reduce((sum: number, t: any) => sum + t.max_score, 0));
      for (const file of ["junit.xml", "feedback.md", "feedback.html"]) expect(existsSync(join(out, file))).toBe(true);
    },
  );
});

describe("pardis validate", () => {
  test("prints the table and exits 0 when the fixture lab grades what it claims", async () => {
    const run = await pardis(["validate", "--lab", "tiny", "--isolation", "none", ...fixtureTree]);
    expect(run.stdout).toMatch(/✓ +tiny +reference/);
    expect(run.stdout).toMatch(/✓ +tiny +student stubs +0\/6/);
    expect(run.stdout).toContain("all 4 checks match");
    expect(run.code).toBe(0);
  });
});

describe("pardis grader package", () => {
  test("a zip with setup.sh and run_autograder at its root, this lab only, whose run_autograder grades a submission", async () => {
    const out = temp();
    const made = await pardis(["grader", "package", "--lab", "tiny", "--out", out, ...fixtureTree]);
    expect(made.stderr).toBe("");
    expect(made.code).toBe(0);
    const listing = spawnSync("unzip", ["-Z1", join(out, "autograder.zip")], { encoding: "utf8" }).stdout.split("\n");
    expect(listing).toEqual(expect.arrayContaining(["setup.sh", "run_autograder", "pardis/package.json", "pardis/grader/cli.ts", "pardis/labs/tiny/tiny.ipynb"]));
    expect(listing.filter((path) => /variants|^pardis\/(tests|dist|node_modules|notebooks)\//.test(path))).toEqual([]);
    expect(readFileSync(join(out, "Dockerfile"), "utf8")).toMatch(/FROM node:20[\s\S]*bubblewrap[\s\S]*run_autograder/);

    // A fake /autograder: the zip in source/, a submission, results/ written by run_autograder.
    const autograder = join(temp(), "autograder");
    mkdirSync(join(autograder, "source"), { recursive: true });
    expect(spawnSync("unzip", ["-q", join(out, "autograder.zip"), "-d", join(autograder, "source")]).status).toBe(0);
    mkdirSync(join(autograder, "submission"));
    cpSync(join(fixture, "labs/tiny/tiny.ipynb"), join(autograder, "submission/lab.ipynb"));
    await promisify(execFile)(join(autograder, "source/run_autograder"), [], {
      timeout: 120_000,
      env: { ...process.env, PARDIS_AUTOGRADER_ROOT: autograder, PARDIS_HOME: repo, PARDIS_GRADE_ARGS: fixtureTree.join(" ") },
    });
    const results = json(join(autograder, "results/results.json"));
    expect(results.score).toBe(6);
    expect(results.tests).toHaveLength(3);
  });

  test.skipIf(!existsSync(join(repo, "dist/labs/stencil-speedup/lab.js")))("a real lab's bundle holds its definition and reference, not its variants nor other labs", async () => {
    const out = temp();
    await packageLab({ lab: "stencil-speedup", out, tree: labTree() });
    const listing = spawnSync("unzip", ["-Z1", join(out, "autograder.zip")], { encoding: "utf8" }).stdout.split("\n");
    expect(listing).toEqual(expect.arrayContaining(["pardis/labs/stencil-speedup/lab.ts", "pardis/labs/stencil-speedup/stencil-speedup.ipynb"]));
    expect(listing.filter((path) => path.includes("/variants/") || /^pardis\/labs\/(?!stencil-speedup\/|$)/.test(path))).toEqual([]);
  });
});
