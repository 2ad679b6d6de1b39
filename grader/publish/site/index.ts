/**
 * The static course site: an index page, one page per notebook (the course in
 * order, then the labs' student notebooks), and offline assets. Course pages
 * sit at the site root (so links between course notebooks keep working), labs
 * under labs/ next to their downloadable student notebooks.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Notebook } from "../../notebook.js";
import { serializeNotebook } from "../student.js";
import { writeAssets } from "./assets.js";
import { escapeHtml } from "./html.js";
import { notebookTitle } from "./markdown.js";
import { pageShell, renderNotebookPage, type PageLink } from "./page.js";

export interface SiteNotebook {
  /** The notebook's file name without .ipynb (`03-shared-memory`, or the lab id). */
  readonly name: string;
  readonly notebook: Notebook;
}

export interface SiteInput {
  readonly course: readonly SiteNotebook[];
  readonly labs: readonly SiteNotebook[];
  /** Shown at the top of the index page. @default "pardis: parallel and distributed systems" */
  readonly title?: string;
}

interface PlannedPage {
  readonly section: "course" | "labs";
  readonly name: string;
  readonly notebook: Notebook;
  readonly title: string;
  /** From the site root. */
  readonly path: string;
}

function titleOf(entry: SiteNotebook): string {
  return notebookTitle(entry.notebook.cells.filter((cell) => cell.cell_type === "markdown").map((cell) => cell.source), entry.name);
}

/** `to` (a path from the site root) as seen from the page at `from`. */
function relative(from: string, to: string): string {
  return from.includes("/") ? `../${to}` : to;
}

/** Writes the site into `siteDir`; returns the pages written, relative to it (index first). */
export function writeSite(siteDir: string, input: SiteInput): string[] {
  mkdirSync(join(siteDir, "labs"), { recursive: true });
  writeAssets(siteDir);
  const pages: PlannedPage[] = [
    ...input.course.map((entry) => ({ section: "course" as const, name: entry.name, notebook: entry.notebook, title: titleOf(entry), path: `${entry.name}.html` })),
    ...input.labs.map((entry) => ({ section: "labs" as const, name: entry.name, notebook: entry.notebook, title: titleOf(entry), path: `labs/${entry.name}.html` })),
  ];
  const byFile = new Map(pages.map((page) => [`${page.name}.ipynb`, page.path]));
  pages.forEach((page, index) => {
    const link = (other: PlannedPage | undefined): PageLink | undefined => other && { title: other.title, href: relative(page.path, other.path) };
    const html = renderNotebookPage({
      notebook: page.notebook,
      title: page.title,
      root: page.path.includes("/") ? "../" : "",
      links: (file) => {
        const target = byFile.get(file);
        return target && relative(page.path, target);
      },
      previous: link(pages[index - 1]),
      next: link(pages[index + 1]),
      download: page.section === "labs" ? { title: `Download the notebook (${page.name}.ipynb)`, href: `${page.name}.ipynb` } : undefined,
    });
    writeFileSync(join(siteDir, page.path), html);
    if (page.section === "labs") writeFileSync(join(siteDir, "labs", `${page.name}.ipynb`), serializeNotebook(page.notebook));
  });
  const list = (section: PlannedPage["section"]) =>
    pages
      .filter((page) => page.section === section)
      .map((page) => `<li><a href="${escapeHtml(page.path)}">${escapeHtml(page.title)}</a></li>`)
      .join("\n");
  const title = input.title ?? "pardis: parallel and distributed systems";
  const body = `<h1>${escapeHtml(title)}</h1>
<h2>Course</h2>
<ul class="contents course">
${list("course")}
</ul>
<h2>Labs</h2>
${input.labs.length ? `<ul class="contents labs">\n${list("labs")}\n</ul>` : "<p>No lab is published yet.</p>"}`;
  writeFileSync(join(siteDir, "index.html"), pageShell({ title, root: "", body, plots: false }));
  return ["index.html", ...pages.map((page) => page.path)];
}
