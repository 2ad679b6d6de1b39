import { display, type DisplayHandle } from "./display.js";
import type { MimeBundle } from "./kernel-bridge.js";

export interface ProgressOptions {
  label?: string;
  /** Least time between two redraws; updates in between are folded. @default 100 */
  redrawMsMin?: number;
}

export interface ProgressBar {
  readonly done: number;
  readonly total: number;
  /** Advances by `count` (default 1) and redraws if enough time has passed. */
  tick(count?: number): void;
  /** Draws the final state. */
  finish(): void;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function render(label: string, done: number, total: number, elapsedMs: number): MimeBundle {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const percent = Math.round(fraction * 100);
  const seconds = (elapsedMs / 1000).toFixed(1);
  const width = 30;
  const filled = Math.round(fraction * width);
  return {
    "text/html": `<div style="font-family:sans-serif"><span>${escapeHtml(label)}</span> <progress value="${done}" max="${total}" style="width:240px"></progress> <span>${done}/${total} (${percent}%) ${seconds}s</span></div>`,
    "text/plain": `${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} (${percent}%) ${seconds}s`,
  };
}

/** A progress bar that redraws in place (update_display_data), throttled so it never floods the notebook. */
export function progress(total: number, options: ProgressOptions = {}): ProgressBar {
  if (!Number.isFinite(total) || total < 0) {
    throw new TypeError(`Expected \`total\` to be a finite number from 0 up, got \`${total}\` (${typeof total})`);
  }
  const label = options.label ?? "progress";
  const redrawMsMin = options.redrawMsMin ?? 100;
  const startedMs = Date.now();
  let done = 0;
  let lastDrawMs = 0;
  const handle: DisplayHandle = display.bundle(render(label, 0, total, 0));
  const draw = () => {
    lastDrawMs = Date.now();
    handle.updateBundle(render(label, done, total, lastDrawMs - startedMs));
  };
  return {
    get done() {
      return done;
    },
    total,
    tick(count = 1) {
      done = Math.min(total, done + count);
      if (Date.now() - lastDrawMs >= redrawMsMin || done === total) draw();
    },
    finish() {
      done = total;
      draw();
    },
  };
}
