import { displayable, JUPYTER_DISPLAY, type MimeBundle } from "./kernel-bridge.js";

/** A plotly figure as plotly.js takes it: https://plotly.com/javascript/reference/ */
export interface PlotlyFigure {
  data: Array<Record<string, unknown>>;
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function title(figure: PlotlyFigure): string | undefined {
  const t = figure.layout?.title;
  if (typeof t === "string") return t;
  if (t && typeof t === "object" && typeof (t as { text?: unknown }).text === "string") return (t as { text: string }).text;
  return undefined;
}

export function describeFigure(figure: PlotlyFigure): string {
  const kinds = figure.data.map((trace) => String(trace.type ?? "scatter"));
  const name = title(figure);
  return `Plotly figure${name ? ` "${name}"` : ""}: ${figure.data.length} trace(s) (${[...new Set(kinds)].join(", ") || "none"})`;
}

/** Attributes holding user data that plotly.js passes through untouched. */
const OPAQUE_KEYS = new Set(["meta", "customdata", "ids"]);

/**
 * plotly.js 3 dropped string titles (`title: "Load"`), which plotly.js 2 and
 * most examples use: JupyterLab's renderer (plotly.js 3+ since plotly.py 6)
 * then draws the chart without its title. `{ text }` is read by every plotly.js
 * since 1.43, so string titles anywhere in the layout or traces (the figure, its
 * axes, colorbars, legends, pie titles) are rewritten to that form.
 */
export function withTextTitles<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => withTextTitles(item)) as T;
  if (!value || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (OPAQUE_KEYS.has(key)) out[key] = item;
    else if (key === "title" && typeof item === "string") out[key] = { text: item };
    else out[key] = withTextTitles(item);
  }
  return out as T;
}

/**
 * The plotly MIME type renders in JupyterLab through the plotly renderer, which
 * bundles plotly.js (no CDN, so it works offline). The HTML and text fallbacks
 * say what the figure is where no renderer exists (a terminal, a plain viewer).
 */
export function plotlyBundle(figure: PlotlyFigure): MimeBundle {
  const text = describeFigure(figure);
  return {
    [PLOTLY_MIME]: { data: withTextTitles(figure.data), layout: withTextTitles(figure.layout ?? {}), config: figure.config ?? {} },
    "text/html": `<div class="pardis-plotly-fallback" style="font-family:sans-serif;padding:4px;border:1px dashed #999">${escapeHtml(text)}<br><small>Open in JupyterLab with the plotly renderer to see the chart.</small></div>`,
    "text/plain": text,
  };
}

export type Figure = PlotlyFigure & { [JUPYTER_DISPLAY](): MimeBundle };

/** A figure that renders when it is the last value of a cell. */
export function figure(spec: PlotlyFigure): Figure {
  const copy: PlotlyFigure = { data: spec.data, ...(spec.layout ? { layout: spec.layout } : {}), ...(spec.config ? { config: spec.config } : {}) };
  return displayable(copy, () => plotlyBundle(copy));
}
