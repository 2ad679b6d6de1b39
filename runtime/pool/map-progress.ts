/**
 * The live progress bar of a long map or reduce. The rule (option `progress`):
 *
 *   "auto" (default)  a bar appears only in a notebook (a kernel is running
 *                     this code), only for work split into 2 or more tasks,
 *                     and only once it has run for SHOW_AFTER_MS: quick maps
 *                     and plain scripts stay quiet.
 *   true / "label"    a bar from the start, in a script too (printed lines).
 *   false             never.
 *
 * The bar counts items and redraws in place at most every 100 ms.
 */
import { progress, type ProgressBar } from "../viz/index.js";
import { kernelBridge } from "../viz/kernel-bridge.js";

export type ProgressOption = boolean | "auto" | string;

/** How long a map must run before "auto" shows its bar. */
export const SHOW_AFTER_MS = 500;

export class MapProgress {
  #bar: ProgressBar | undefined;
  #done = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}

  /** Starts following the rule; returns undefined when no bar will ever be shown. */
  static start(option: ProgressOption, label: string, totalItems: number, tasks: number): MapProgress | undefined {
    if (option === false) return undefined;
    const tracker = new MapProgress(typeof option === "string" && option !== "auto" ? option : label, totalItems);
    if (option === "auto") {
      if (tasks < 2 || !kernelBridge()) return undefined;
      // The timer is created in the submitting cell's async context, so the bar appears under that cell.
      tracker.#timer = setTimeout(() => tracker.#show(), SHOW_AFTER_MS);
      tracker.#timer.unref();
    } else {
      tracker.#show();
    }
    return tracker;
  }

  #show(): void {
    this.#timer = undefined;
    this.#bar = progress(this.total, { label: this.label });
    if (this.#done > 0) this.#bar.tick(this.#done);
  }

  tick(items: number): void {
    this.#done += items;
    this.#bar?.tick(items);
  }

  /** Work ended (done, failed or cancelled): draw the final count, stop the timer. */
  end(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#bar && this.#done >= this.total) this.#bar.finish();
    else if (this.#bar) this.#bar.tick(0);
  }
}
