/** One notebook as one HTML page: its cells, its saved outputs, and the way to the next page. */
import type { Notebook } from "../../notebook.js";
import { escapeHtml } from "./html.js";
import { highlightCode, markdownRenderer, type LinkMap } from "./markdown.js";
import { mergeStreams, renderOutput } from "./outputs.js";

export interface PageLink {
  readonly title: string;
  /** Relative to the current page. */
  readonly href: string;
}

export interface PageInput {
  readonly notebook: Notebook;
  readonly title: string;
  /** "../" for a page in a subfolder, "" at the site root: how the page reaches assets/ and index.html. */
  readonly root: string;
  readonly links: LinkMap;
  readonly previous?: PageLink;
  readonly next?: PageLink;
  /** A file the learner can download next to the page (the student notebook of a lab). */
  readonly download?: PageLink;
}

export function pageShell(options: { title: string; root: string; body: string; plots: boolean }): string {
  const { title, root, body, plots } = options;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${root}assets/site.css">
${plots ? `<script src="${root}assets/plotly.min.js"></script>\n` : ""}<script src="${root}assets/site.js" defer></script>
</head>
<body>
<header class="site-header"><a href="${root}index.html">pardis: parallel and distributed systems</a></header>
<main>
${body}
</main>
</body>
</html>
`;
}

function navigation(input: PageInput): string {
  const link = (rel: string, label: string, page?: PageLink) =>
    page ? `<a class="${rel}" rel="${rel}" href="${escapeHtml(page.href)}">${label} ${escapeHtml(page.title)}</a>` : `<span class="${rel}"></span>`;
  return `<nav class="pager">${link("prev", "←", input.previous)}<a class="up" href="${input.root}index.html">Contents</a>${link("next", "→", input.next)}</nav>`;
}

export function renderNotebookPage(input: PageInput): string {
  const markdown = markdownRenderer(input.links);
  let figures = 0;
  const context = { markdown, nextFigureId: () => `figure-${++figures}` };
  const cells = input.notebook.cells.map((cell) => {
    if (cell.cell_type === "markdown") return `<section class="cell markdown">${markdown.render(cell.source)}</section>`;
    if (cell.cell_type === "raw") return `<section class="cell raw"><pre>${escapeHtml(cell.source)}</pre></section>`;
    const count = cell.execution_count ?? " ";
    const outputs = mergeStreams(cell.outputs ?? []).map((output) => renderOutput(output, context)).filter(Boolean);
    return `<section class="cell code">
<div class="input"><span class="prompt">[${escapeHtml(String(count))}]:</span><pre><code class="hljs language-typescript">${highlightCode(cell.source)}</code></pre></div>${
      outputs.length ? `\n<div class="outputs">${outputs.map((html) => `<div class="output">${html}</div>`).join("\n")}</div>` : ""
    }
</section>`;
  });
  const download = input.download ? `<p class="download"><a href="${escapeHtml(input.download.href)}" download>${escapeHtml(input.download.title)}</a></p>` : "";
  const nav = navigation(input);
  const body = `${nav}\n${download}\n<article class="notebook">\n${cells.join("\n")}\n</article>\n${nav}`;
  return pageShell({ title: input.title, root: input.root, body, plots: figures > 0 });
}
