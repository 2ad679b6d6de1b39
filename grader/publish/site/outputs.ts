/**
 * A code cell's saved outputs as HTML. Text (streams, plain results, errors)
 * is always escaped; HTML and markdown results were produced by running the
 * instructor's notebook and are shown as Jupyter shows a trusted notebook.
 * Images are embedded as data: URLs (an SVG in an <img> cannot run script);
 * plotly figures are drawn in the page by the bundled plotly.js.
 */
import { escapeHtml, joinText, jsonInScript, stripAnsi } from "./html.js";
import type { Markdown } from "./markdown.js";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** The richest representation the site can show, first match wins (as JupyterLab picks). */
const PREFERENCE = [PLOTLY_MIME, "text/html", "image/svg+xml", "image/png", "image/jpeg", "text/markdown", "text/plain"] as const;

export interface OutputContext {
  readonly markdown: Markdown;
  /** Gives each figure on the page its own element id. */
  nextFigureId(): string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function plainText(text: string, className: string): string {
  return `<pre class="${className}">${escapeHtml(stripAnsi(text))}</pre>`;
}

function renderFigure(figure: unknown, context: OutputContext): string {
  if (!isObject(figure) || !Array.isArray(figure.data)) return plainText("(a plotly figure that could not be read)", "output-text");
  const id = context.nextFigureId();
  const payload = { data: figure.data, layout: isObject(figure.layout) ? figure.layout : {}, config: isObject(figure.config) ? figure.config : {} };
  return `<div class="plotly-figure" data-figure="${id}"></div><script type="application/json" id="${id}">${jsonInScript(payload)}</script>`;
}

function renderData(data: Record<string, unknown>, context: OutputContext): string {
  const mime = PREFERENCE.find((type) => data[type] !== undefined);
  switch (mime) {
    case PLOTLY_MIME:
      return renderFigure(data[PLOTLY_MIME], context);
    case "text/html":
      return `<div class="output-html">${joinText(data["text/html"])}</div>`;
    case "image/svg+xml":
      return `<img class="output-image" alt="figure" src="data:image/svg+xml;base64,${Buffer.from(joinText(data["image/svg+xml"]), "utf8").toString("base64")}">`;
    case "image/png":
    case "image/jpeg":
      // Saved base64 may be wrapped over lines; only base64 characters go into the URL.
      return `<img class="output-image" alt="figure" src="data:${mime};base64,${joinText(data[mime]).replace(/[^A-Za-z0-9+/=]/g, "")}">`;
    case "text/markdown":
      return `<div class="output-markdown">${context.markdown.render(joinText(data["text/markdown"]))}</div>`;
    case "text/plain":
      return plainText(joinText(data["text/plain"]), "output-text");
    default:
      return "";
  }
}

export function renderOutput(output: Record<string, unknown>, context: OutputContext): string {
  switch (output.output_type) {
    case "stream": {
      const name = output.name === "stderr" ? "stderr" : "stdout";
      // A progress line redrawn with \r shows as its last state, as in a terminal.
      const text = joinText(output.text).replace(/\r\n/g, "\n").split("\n").map((line) => line.split("\r").at(-1)).join("\n");
      return plainText(text, `output-stream ${name}`);
    }
    case "display_data":
    case "execute_result":
      return isObject(output.data) ? renderData(output.data, context) : "";
    case "error": {
      const traceback = Array.isArray(output.traceback) ? output.traceback.map((line) => String(line)).join("\n") : "";
      const headline = `${String(output.ename ?? "Error")}: ${String(output.evalue ?? "")}`;
      const body = stripAnsi(traceback).includes(String(output.evalue ?? "\u0000")) ? traceback : `${headline}\n${traceback}`;
      return plainText(body.trim() || headline, "output-error");
    }
    default:
      return "";
  }
}

/** Consecutive stream outputs of the same name join into one block, as Jupyter shows them. */
export function mergeStreams(outputs: ReadonlyArray<Record<string, unknown>>): Array<Record<string, unknown>> {
  const merged: Array<Record<string, unknown>> = [];
  for (const output of outputs) {
    const last = merged.at(-1);
    if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
      merged[merged.length - 1] = { ...last, text: joinText(last.text) + joinText(output.text) };
    } else merged.push(output);
  }
  return merged;
}
