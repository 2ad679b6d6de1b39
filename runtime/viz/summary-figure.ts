import { displayable } from "./kernel-bridge.js";
import { plotlyBundle, type Figure, type PlotlyFigure } from "./plotly.js";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A figure whose text fallbacks carry the numbers, not just "a plotly figure":
 * a terminal, a plain Node script, a published page without plotly.js and the
 * grader all read `summary` instead of a chart. `extra` fields (the computed
 * statistics) sit on the returned object for code to use; they are not part of
 * the MIME bundle.
 */
export function figureWithSummary<Extra extends object>(spec: PlotlyFigure, summary: string, extra: Extra): Figure & Extra {
  const copy: PlotlyFigure = { data: spec.data, ...(spec.layout ? { layout: spec.layout } : {}), ...(spec.config ? { config: spec.config } : {}) };
  const target = Object.assign({}, extra, copy);
  return displayable(target, () => {
    const bundle = plotlyBundle(copy);
    return {
      ...bundle,
      "text/html": `<pre class="pardis-plot-summary">${escapeHtml(summary)}</pre>${String(bundle["text/html"])}`,
      "text/plain": summary,
    };
  });
}
