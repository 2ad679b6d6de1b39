/**
 * Every student notebook `pardis publish` writes opens and runs top to bottom
 * in the real pardis kernel (nbclient, the project's .venv), as a learner who
 * has not written anything yet would run it: no error output except in cells
 * tagged `raises-exception`, answer cells present. Every lab in labs/ (the
 * fixture lab when there is none).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { findLabs, publish, type PublishResult } from "../../grader/publish/index.js";
import { tags, text, type CourseNotebook } from "../support/course.js";
import { repoRoot } from "../support/kernel-client.js";
import { runVenv } from "../support/python.js";

const FIXTURE_LAB = join(repoRoot, "tests", "fixtures", "publish", "labs", "demo-lab");
const realLabs = findLabs(join(repoRoot, "labs"));
/** The fixture lab stands in until real labs exist (each run costs ~15-25 s of kernel time). */
const labs = realLabs.length ? realLabs : ["demo-lab"];

let work: string;
let published: PublishResult;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "pardis-publish-notebooks-"));
  const labsDir = join(work, "labs");
  mkdirSync(labsDir);
  for (const id of realLabs) symlinkSync(join(repoRoot, "labs", id), join(labsDir, id));
  if (labs.includes("demo-lab")) symlinkSync(FIXTURE_LAB, join(labsDir, "demo-lab"));
  // An empty course: this test wants the student notebooks only.
  mkdirSync(join(work, "course"));
  published = await publish({ labsDir, courseDir: join(work, "course"), out: join(work, "out"), grader: false });
  console.log(`student notebooks to run: ${published.student.map((file) => basename(file)).join(", ")}`);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("each published student notebook runs in the pardis kernel", () => {
  test.each(labs)("%s", async (lab) => {
    const notebook = join(work, "out", "student", `${lab}.ipynb`);
    const executed = join(work, `${lab}.executed.ipynb`);
    const result = await runVenv("python", [join(repoRoot, "tests/support/run-notebook.py"), notebook, executed, join(work, "out", "student")]);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as { seconds: number; error: string | null };
    expect(summary.error, summary.error ?? "").toBeNull();
    console.log(`${lab}: ran in ${summary.seconds.toFixed(1)} s`);

    const cells = (JSON.parse(readFileSync(executed, "utf8")) as CourseNotebook).cells.filter((cell) => cell.cell_type === "code");
    const unexpected = cells
      .filter((cell) => !tags(cell).includes("raises-exception"))
      .flatMap((cell) => (cell.outputs ?? []).filter((o) => o.output_type === "error").map((o) => `${text(cell.source).slice(0, 60)}: ${o.ename}: ${o.evalue}`));
    expect(unexpected).toEqual([]);
    expect(cells.some((cell) => tags(cell).includes("answer")), "the answer cells are there").toBe(true);
  }, 240_000);
});
