/**
 * `pardis grade FOLDER --batch`: every entry of a folder is one submission,
 * graded in parallel in the sandbox on one shared pool, each with its own
 * reports, plus summary.csv; scores match grading each one alone.
 */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { gradeSubmission } from "../../dist/grader/grade/index.js";
import { labTree } from "../../dist/grader/lab/registry.js";

const repo = resolve(import.meta.dirname, "../..");
const fixture = join(repo, "tests/fixtures/grade-lab");
const tree = labTree(fixture, join(fixture, "built"));

describe("batch grading", () => {
  test("a folder of five submissions: per-submission reports, summary.csv, progress lines, scores as when graded alone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pardis-batch-"));
    const submissions = join(dir, "submissions");
    mkdirSync(join(submissions, "dana"), { recursive: true });
    copyFileSync(join(fixture, "labs/tiny/tiny.ipynb"), join(submissions, "alice.ipynb"));
    copyFileSync(join(fixture, "labs/tiny/variants/minus.ts"), join(submissions, "bob.ts"));
    copyFileSync(join(fixture, "labs/tiny/variants/big-off-by-one.ts"), join(submissions, "carol.ts"));
    copyFileSync(join(fixture, "labs/tiny/tiny.ipynb"), join(submissions, "dana/lab.ipynb"));
    writeFileSync(join(submissions, "erin.ts"), "export function add(a, b) {\n  return a +;\n}\n");
    writeFileSync(join(submissions, "notes.txt"), "not a submission");

    const out = join(dir, "out");
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(repo, "dist/kernel/cli.js"), "grade", submissions, "--lab", "tiny", "--batch", "--out", out, "--lab-root", fixture, "--lab-dist", join(fixture, "built")],
      { encoding: "utf8", timeout: 300_000 },
    );
    expect(stdout).toContain("alice.ipynb: 6/6");
    expect(stdout).toContain("erin.ts: 0/6 (could not be run)");
    expect(stdout).toMatch(/^isolation: \S/m);
    // Not a terminal here: one plain line per finished submission, then a total.
    expect(stderr.match(/^\[\d\/5\] /gm)).toHaveLength(5);
    expect(stderr).toMatch(/graded 5 submission\(s\)/);

    const names = ["alice.ipynb", "bob.ts", "carol.ts", "dana", "erin.ts"];
    for (const name of names) {
      for (const file of ["results.json", "junit.xml", "feedback.md", "feedback.html"]) expect(existsSync(join(out, name, file))).toBe(true);
    }
    const alone = await Promise.all(names.map((name) => gradeSubmission(join(submissions, name), "tiny", { tree, isolation: "in-process" })));
    const batched = names.map((name) => JSON.parse(readFileSync(join(out, name, "results.json"), "utf8")));
    expect(batched.map((r) => r.score)).toEqual(alone.map((r) => r.score));
    expect(batched.map((r) => r.score)).toEqual([6, 0, 3, 6, 0]);
    // Replay lines name the entry as the instructor sees it in the folder.
    expect(batched[2].tests[1].output).toContain("npx pardis grade carol.ts --lab tiny --only tiny/many --seed 6");

    const csv = readFileSync(join(out, "summary.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("submission,score,max_score,tiny/sum,tiny/many,tiny/relative,error");
    expect(csv[1]).toBe("alice.ipynb,6,6,2,3,1,");
    expect(csv[3]).toBe("carol.ts,3,6,2,0,1,");
    expect(csv[5]).toMatch(/^erin\.ts,0,6,0,0,0,erin\.ts:2:\d+: Expression expected/);
  });
});
