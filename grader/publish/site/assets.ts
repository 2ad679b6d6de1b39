/**
 * The site's own assets: a small stylesheet, the script that draws plotly
 * figures from the JSON saved in the page, and plotly.js itself copied from
 * node_modules (the site works offline: no URL leaves the site's folder).
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const SITE_CSS = `:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --code-bg: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; }
.site-header { padding: 10px 24px; border-bottom: 1px solid var(--line); background: #fafbfc; }
.site-header a { color: var(--fg); font-weight: 600; text-decoration: none; }
main { max-width: 980px; margin: 0 auto; padding: 16px 24px 48px; }
a { color: var(--accent); }
h1, h2, h3 { line-height: 1.25; }
table { border-collapse: collapse; } th, td { border: 1px solid var(--line); padding: 4px 8px; }
pre { margin: 0; overflow-x: auto; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; }
.markdown pre, .output-markdown pre { background: var(--code-bg); padding: 10px 12px; border-radius: 6px; }
.cell { margin: 14px 0; }
.cell.code .input { display: flex; gap: 8px; }
.prompt { flex: 0 0 44px; color: var(--muted); font: 12px/2 ui-monospace, monospace; text-align: right; }
.cell.code .input pre { flex: 1; background: var(--code-bg); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.outputs { margin: 6px 0 0 52px; }
.output { margin: 4px 0; overflow-x: auto; }
.output pre { padding: 4px 2px; white-space: pre-wrap; }
.output-stream.stderr { background: #fff5f5; }
.output-error { background: #ffebe9; color: #82071e; padding: 8px 10px !important; border-radius: 6px; }
.output-image { max-width: 100%; }
.plotly-figure { width: 100%; min-height: 360px; }
.pager { display: flex; justify-content: space-between; gap: 12px; margin: 12px 0; font-size: 14px; }
.pager .next { text-align: right; }
.download { font-size: 14px; }
.contents li { margin: 4px 0; }
.hljs-keyword, .hljs-built_in, .hljs-type { color: #cf222e; }
.hljs-string, .hljs-regexp { color: #0a3069; }
.hljs-number, .hljs-literal { color: #0550ae; }
.hljs-comment { color: #6e7781; font-style: italic; }
.hljs-title, .hljs-title.function_, .hljs-title.class_ { color: #8250df; }
.hljs-attr, .hljs-property, .hljs-variable, .hljs-params { color: #953800; }
.hljs-meta { color: #116329; }
`;

/** Draws every saved figure: its JSON sits in a <script type="application/json"> next to the element. */
const SITE_JS = `"use strict";
document.querySelectorAll(".plotly-figure").forEach(function (element) {
  var source = document.getElementById(element.getAttribute("data-figure"));
  if (!source || typeof Plotly === "undefined") return;
  var figure = JSON.parse(source.textContent);
  var config = Object.assign({ responsive: true, displaylogo: false }, figure.config);
  Plotly.newPlot(element, figure.data, figure.layout, config);
});
`;

export function writeAssets(siteDir: string): void {
  const assets = join(siteDir, "assets");
  mkdirSync(assets, { recursive: true });
  writeFileSync(join(assets, "site.css"), SITE_CSS);
  writeFileSync(join(assets, "site.js"), SITE_JS);
  const require = createRequire(import.meta.url);
  copyFileSync(require.resolve("plotly.js-dist-min/plotly.min.js"), join(assets, "plotly.min.js"));
}
