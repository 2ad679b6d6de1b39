/** HTML text helpers for the site: everything not deliberately HTML goes through `escapeHtml`. */

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Terminal colours in kernel output (tracebacks, coloured logs) mean nothing in a page. */
export function stripAnsi(text: string): string {
  // CSI sequences (colours, cursor moves) and OSC sequences (titles, links).
  return text.replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, "").replace(/\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)/g, "");
}

/**
 * JSON inside `<script type="application/json">`: `<` escaped so that no text
 * in the data (`</script>`, `<!--`) can end the element early.
 */
export function jsonInScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** Saved notebook text: a string or a list of lines (nbformat allows both). */
export function joinText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((part) => (typeof part === "string" ? part : "")).join("");
  return "";
}
