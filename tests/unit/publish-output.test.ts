/**
 * What `publish` writes (student/, site/, grader/), how it refuses bad input
 * before writing anything slow, and what a page holds (escaping, links,
 * figures), without a browser: the browser checks are in e2e/publish-site.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { GraderError } from "../../grader/errors.js";
import { readNotebook } from "../../grader/notebook.js";
import { findLabs, publish } from "../../grader/publish/index.js";
import { renderNotebookPage } from "../../grader/publish/site/page.js";
import { repoRoot } from "../support/kernel-client.js";

const FIXTURES = join(repoRoot, "tests", "fixtures", "publish");
const work = mkdtempSync(join(tmpdir(), "pardis-publish-unit-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function failure(run: () => Promise<unknown>): Promise<GraderError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof GraderError) return error;
    throw error;
  }
  throw new Error("expected a GraderError");
}

describe("publish", () => {
  test("writes the student notebook, the site and a grader folder per lab", async () => {
    const out = join(work, "out");
    const result = await publish({ labsDir: join(FIXTURES, "labs"), courseDir: join(FIXTURES, "course"), out });
    expect(result.student).toEqual([join(out, "student", "demo-lab.ipynb")]);
    expect(result.site.pages).toEqual(["index.html", "99-saved-outputs.html", "labs/demo-lab.html"]);
    for (const file of [...result.site.pages, "labs/demo-lab.ipynb", "assets/site.css", "assets/site.js", "assets/plotly.min.js"]) {
      expect(existsSync(join(out, "site", file)), file).toBe(true);
    }
    expect(readFileSync(join(out, "site", "labs", "demo-lab.ipynb"), "utf8")).toBe(readFileSync(result.student[0]!, "utf8"));
    // The fixture lab has no built definition, so its grader folder says why there is no bundle.
    expect(result.grader).toHaveLength(1);
    expect(result.grader[0]!.kind).toBe("manifest");
    const manifest = JSON.parse(readFileSync(join(out, "grader", "demo-lab", "manifest.json"), "utf8")) as { lab: string; note: string };
    expect(manifest.lab).toBe("demo-lab");
    expect(manifest.note).toMatch(/unknown lab "demo-lab"/);
  });

  test("labs with a built definition get their Gradescope bundle (pardis grader package)", async () => {
    const built = findLabs(join(repoRoot, "labs")).filter((id) => existsSync(join(repoRoot, "dist", "labs", id, "lab.js")));
    console.log(`labs packaged: ${built.join(", ") || "none yet (no lab has both its notebook and a built lab.js)"}`);
    if (built.length === 0) return;
    const out = join(work, "packaged");
    const result = await publish({ courseDir: join(FIXTURES, "course"), out, labs: built });
    expect(result.grader.map((bundle) => [bundle.lab, bundle.kind])).toEqual(built.map((id) => [id, "package"]));
    for (const id of built) {
      expect(existsSync(join(out, "grader", id, "autograder.zip")), id).toBe(true);
      expect(existsSync(join(out, "grader", id, "autograder", "run_autograder")), id).toBe(true);
    }
    // What learners get holds nothing of the grader's.
    expect(existsSync(join(out, "site", "labs", "autograder.zip"))).toBe(false);
  }, 60_000);

  test("an unknown lab is refused, naming the labs there are", async () => {
    const error = await failure(() => publish({ labsDir: join(FIXTURES, "labs"), courseDir: join(FIXTURES, "course"), out: join(work, "x"), labs: ["nope"] }));
    expect(error.code).toBe("unknown-lab");
    expect(error.message).toContain("the labs are: demo-lab");
  });

  test("a marker mistake stops publishing before the site is written", async () => {
    const labs = join(work, "broken-labs");
    mkdirSync(join(labs, "broken"), { recursive: true });
    const notebook = readNotebook(join(FIXTURES, "labs", "demo-lab", "demo-lab.ipynb"));
    notebook.cells[1]!.source = notebook.cells[1]!.source.replace("    // END SOLUTION\n", "");
    writeFileSync(join(labs, "broken", "broken.ipynb"), JSON.stringify(notebook));
    const out = join(work, "broken-out");
    const error = await failure(() => publish({ labsDir: labs, courseDir: join(FIXTURES, "course"), out }));
    expect(error.code).toBe("unbalanced-marker");
    expect(error.message).toMatch(/^cell 2, line 12: BEGIN SOLUTION is never closed/);
    expect(existsSync(join(out, "site"))).toBe(false);
  });

  test("a course notebook that fails to run stops publishing with its error", async () => {
    const course = join(work, "failing-course");
    mkdirSync(course);
    cpSync(join(FIXTURES, "course", "99-saved-outputs.ipynb"), join(course, "01-x.ipynb"));
    const error = await failure(() => publish({ labsDir: join(work, "none"), courseDir: course, out: join(work, "failing-out"), execute: true, python: join(work, "no-python") }));
    expect(error.code).toBe("notebook-execution");
    expect(error.message).toContain("npm run setup");
  });
});

describe("a page", () => {
  const notebook = readNotebook(join(FIXTURES, "course", "99-saved-outputs.ipynb"));
  const html = renderNotebookPage({ notebook, title: "Saved <outputs>", root: "", links: (file) => (file === "00-start-here.ipynb" ? "00-start-here.html" : undefined) });

  test("escapes output text, strips terminal colours, keeps deliberate HTML", () => {
    expect(html).toContain("<title>Saved &lt;outputs&gt;</title>");
    expect(html).toContain("green &lt;script&gt;window.__xss = 1&lt;/script&gt;");
    expect(html).not.toContain("<script>window.__xss");
    expect(html).not.toContain("\u001b");
    expect(html).toContain('<em class="deliberate">deliberate html</em>');
    expect(html).not.toContain("<div>fallback</div>"); // the figure wins over its HTML fallback
  });

  test("figures are JSON that cannot end their script element", () => {
    const figures = [...html.matchAll(/<script type="application\/json" id="(figure-\d+)">([^<]*)<\/script>/g)];
    expect(figures.map((m) => m[1])).toEqual(["figure-1"]);
    expect((JSON.parse(figures[0]![2]!) as { layout: { title: { text: string } } }).layout.title.text).toBe("Speedup of the fixture");
    expect(html).toContain('<script src="assets/plotly.min.js"></script>');
  });

  test("code is highlighted and links to notebooks lead to pages", () => {
    expect(html).toMatch(/<code class="hljs language-typescript"><span class="hljs-keyword">const<\/span>/);
    expect(html).toContain('<a href="00-start-here.html">the start</a>');
    expect(html).toContain('<a href="demo-lab.ipynb">demo lab</a>'); // unknown here: left as written
  });
});
