import { inspect } from "node:util";
import type { MimeBundle } from "../protocol/index.js";

/** Deno's convention: any object with this method renders as the MIME bundle it returns. */
export const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");

function hasDisplay(value: unknown): value is { [JUPYTER_DISPLAY](): MimeBundle | Promise<MimeBundle> } {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as Record<symbol, unknown>)[JUPYTER_DISPLAY] === "function"
  );
}

/** Plain text as a learner reads it: no ANSI colour codes, bounded depth. */
export function plainText(value: unknown): string {
  return typeof value === "string" ? value : inspect(value, { colors: false, depth: 4, maxArrayLength: 100 });
}

/**
 * Value → MIME bundle. The display symbol wins; otherwise text/plain as Node's
 * REPL would show it. An empty bundle from the display symbol means "nothing to
 * show" (a display handle: what it stands for is on screen already).
 */
export async function toMimeBundle(value: unknown): Promise<MimeBundle> {
  if (hasDisplay(value)) {
    const bundle = await value[JUPYTER_DISPLAY]();
    if (typeof bundle === "object" && bundle !== null) {
      if (Object.keys(bundle).length === 0) return bundle;
      return "text/plain" in bundle ? bundle : { ...bundle, "text/plain": plainText(value) };
    }
  }
  return { "text/plain": inspect(value, { colors: false, depth: 4, maxArrayLength: 100 }) };
}
