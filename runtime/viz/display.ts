import { inspect } from "node:util";
import { kernelBridge, type DisplayOptions, type MimeBundle } from "./kernel-bridge.js";
import { plotlyBundle, type PlotlyFigure } from "./plotly.js";

/** An output shown in the notebook that can be replaced later (update_display_data). */
export interface DisplayHandle {
  readonly displayId: string;
  /** Replaces what this handle shows, in place. */
  update(value: unknown): Promise<void>;
  updateBundle(bundle: MimeBundle): void;
}

export interface Display {
  (value: unknown, options?: { displayId?: string }): Promise<DisplayHandle>;
  bundle(bundle: MimeBundle, options?: { displayId?: string }): DisplayHandle;
  html(html: string): DisplayHandle;
  markdown(markdown: string): DisplayHandle;
  svg(svg: string): DisplayHandle;
  /** PNG bytes, or a base64 string. */
  png(png: Uint8Array | string): DisplayHandle;
  json(value: unknown): DisplayHandle;
  text(text: string): DisplayHandle;
  plotly(figure: PlotlyFigure): DisplayHandle;
  /** Clears the cell's output; with `wait`, only when the next output arrives (no flicker). */
  clear(options?: { wait?: boolean }): void;
}

let nextDisplay = 0;
function newDisplayId(): string {
  return `pardis-${process.pid}-${Date.now().toString(36)}-${(nextDisplay++).toString(36)}`;
}

function terminalText(bundle: MimeBundle): string {
  const text = bundle["text/plain"];
  return typeof text === "string" ? text : inspect(bundle, { depth: 2 });
}

function handleFor(displayId: string): DisplayHandle {
  return {
    // A handle left as a cell's last value shows nothing: what it stands for is on screen already.
    [Symbol.for("Jupyter.display")]: () => ({}),
    displayId,
    async update(value) {
      const bridge = kernelBridge();
      if (bridge) await bridge.displayValue(value, { displayId, update: true });
      else console.log(value);
    },
    updateBundle(bundle) {
      const bridge = kernelBridge();
      if (bridge) bridge.display(bundle, { displayId, update: true });
      else console.log(terminalText(bundle));
    },
  };
}

function showBundle(bundle: MimeBundle, options: DisplayOptions = {}): DisplayHandle {
  const displayId = options.displayId ?? newDisplayId();
  const bridge = kernelBridge();
  if (bridge) bridge.display(bundle, { ...options, displayId });
  else console.log(terminalText(bundle));
  return handleFor(displayId);
}

/** Shows a value in the notebook (in a plain Node script: prints it). */
export const display: Display = Object.assign(
  async (value: unknown, options: { displayId?: string } = {}): Promise<DisplayHandle> => {
    const displayId = options.displayId ?? newDisplayId();
    const bridge = kernelBridge();
    if (bridge) await bridge.displayValue(value, { displayId });
    else console.log(value);
    return handleFor(displayId);
  },
  {
    bundle: (bundle: MimeBundle, options: { displayId?: string } = {}) => showBundle(bundle, options),
    html: (html: string) => showBundle({ "text/html": html, "text/plain": html.replace(/<[^>]*>/g, "") }),
    markdown: (markdown: string) => showBundle({ "text/markdown": markdown, "text/plain": markdown }),
    svg: (svg: string) => showBundle({ "image/svg+xml": svg, "text/plain": "[SVG image]" }),
    png: (png: Uint8Array | string) =>
      showBundle({ "image/png": typeof png === "string" ? png : Buffer.from(png).toString("base64"), "text/plain": "[PNG image]" }),
    json: (value: unknown) => showBundle({ "application/json": value, "text/plain": JSON.stringify(value, null, 2) }),
    text: (text: string) => showBundle({ "text/plain": text }),
    plotly: (figure: PlotlyFigure) => showBundle(plotlyBundle(figure)),
    clear: (options: { wait?: boolean } = {}) => {
      const bridge = kernelBridge();
      if (bridge) bridge.clearOutput(options.wait === true);
    },
  },
);
