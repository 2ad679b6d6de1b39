/**
 * The cluster's live view in the notebook: one table (node, state, pid,
 * incarnation, messages sent / delivered / dropped) that updates in place
 * while the cluster runs. Changes come often (every report); the display is
 * redrawn at most every UPDATE_MS, so a busy cluster costs the notebook a few
 * updates a second, not thousands.
 */
import { display, type DisplayHandle } from "../viz/display.js";
import type { MimeBundle } from "../viz/kernel-bridge.js";
import type { NodeStatus } from "./cluster.js";

const UPDATE_MS = 250;

const STATE_COLOUR: Record<NodeStatus["state"], string> = {
  starting: "#888",
  up: "#2a7",
  paused: "#d90",
  crashed: "#c33",
  failed: "#c33",
  stopped: "#888",
};

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

export function statusBundle(rows: readonly NodeStatus[]): MimeBundle {
  const head = "<tr><th>node</th><th>state</th><th>pid</th><th>incarnation</th><th>sent</th><th>delivered</th><th>dropped</th></tr>";
  const body = rows
    .map((r) =>
      `<tr><td>${escape(r.id)}</td><td style="color:${STATE_COLOUR[r.state]}" title="${escape(r.error ?? "")}">${r.state}</td>` +
      `<td>${r.pid ?? ""}</td><td>${r.incarnation}</td><td>${r.sent}</td><td>${r.delivered}</td><td>${r.dropped}</td></tr>`)
    .join("");
  const text = rows.map((r) => `${r.id.padEnd(6)} ${r.state.padEnd(8)} sent ${r.sent} delivered ${r.delivered} dropped ${r.dropped}`).join("\n");
  return { "text/html": `<table class="pardis-cluster">${head}${body}</table>`, "text/plain": text };
}

export class LiveView {
  #handle: DisplayHandle | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(private readonly rows: () => NodeStatus[]) {}

  show(): void {
    this.#handle = display.bundle(statusBundle(this.rows()));
  }

  /** Something changed: redraw soon (at most every UPDATE_MS). */
  changed(): void {
    if (this.#handle === undefined || this.#timer !== undefined || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#handle?.updateBundle(statusBundle(this.rows()));
    }, UPDATE_MS);
    this.#timer.unref();
  }

  /** Draws the final state once and stops updating. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#handle?.updateBundle(statusBundle(this.rows()));
  }
}
