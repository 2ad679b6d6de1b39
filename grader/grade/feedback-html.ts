/**
 * The feedback report as one self-contained HTML page: the same text as
 * feedback.md (rendered with markdown-it, raw HTML off, since messages carry
 * text the submission influenced) plus each verdict's plotly figure, drawn by
 * the offline plotly bundle inlined into the page (no network, opens anywhere).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import MarkdownIt from "markdown-it";
import { failureSection, resultsTable, shownResult } from "./feedback-md.js";
import type { GradeReport, ScenarioResult } from "./report.js";
import { headline, type ReportOptions } from "./results-json.js";

const markdown = new MarkdownIt({ html: false, linkify: false });

let plotlyBundle: string | undefined;
function plotly(): string {
  plotlyBundle ??= readFileSync(createRequire(import.meta.url).resolve("plotly.js-dist-min"), "utf8");
  return plotlyBundle;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON inside a <script>: `<` escaped so no string in it can close the tag. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
pre{background:#f6f8fa;padding:.6rem;overflow:auto}code{font-size:90%}section.failure{border-left:4px solid #d33;padding-left:1rem;margin:1.5rem 0}
section.passed{border-left:4px solid #2a2;padding-left:1rem}.figure{width:100%;height:380px}`;

function figureDiv(result: ScenarioResult, index: number): string {
  return result.figure === undefined ? "" : `<div class="figure" id="figure-${index}" data-scenario="${escapeHtml(result.scenario)}"></div>`;
}

export function feedbackHtml(report: GradeReport, options: ReportOptions = {}): string {
  const results = report.results.map((result) => shownResult(result, options));
  const figures = results.flatMap((result, index) => (result.figure === undefined ? [] : [{ id: `figure-${index}`, figure: result.figure }]));
  const body: string[] = [
    `<h1>${escapeHtml(report.labTitle)}: feedback</h1>`,
    markdown.render(`submission: \`${report.submission}\` · ${headline(report, false)}\n\nisolation: ${report.isolation}`),
  ];
  if (report.compileError) body.push(`<p><strong>Your submission could not be run</strong>: ${escapeHtml(report.compileError)}</p>`);
  if (report.graderError) body.push(`<p><strong>The grader failed</strong> (${escapeHtml(report.graderError)}); these results are partial. Tell the course staff.</p>`);
  body.push(markdown.render(resultsTable(results)));
  const failed = results.map((result, index) => ({ result, index })).filter(({ result }) => result.status === "failed");
  if (failed.length > 0 && !report.compileError) {
    body.push("<h2>What failed</h2>");
    for (const { result, index } of failed) {
      body.push(`<section class="failure">${markdown.render(failureSection(result).replace("_(a diagram of this run is in feedback.html)_", ""))}${figureDiv(result, index)}</section>`);
    }
  }
  const passedWithFigures = results.map((result, index) => ({ result, index })).filter(({ result }) => result.status === "passed" && result.figure !== undefined);
  for (const { result, index } of passedWithFigures) {
    body.push(`<section class="passed">${markdown.render(`### ✓ ${result.title} (\`${result.scenario}\`)\n\n${result.message}`)}${figureDiv(result, index)}</section>`);
  }
  const scripts = figures.length
    ? `<script>${plotly().replace(/<\/script/gi, "<\\/script")}</script>
<script>for (const { id, figure } of ${scriptJson(figures)}) { const f = figure || {}; Plotly.newPlot(id, f.data || [], f.layout || {}, { displaylogo: false, responsive: true }); }</script>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(report.labTitle)}: feedback</title><style>${STYLE}</style></head>
<body>
${body.join("\n")}
${scripts}
</body></html>
`;
}
