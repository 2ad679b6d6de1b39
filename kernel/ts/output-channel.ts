import type { Output } from "../interpreter.js";
import type { WorkerToHost } from "../executor/messages.js";
import { currentCell, type CellContext } from "./cell-context.js";

type StreamName = "stdout" | "stderr";

/** Flush a stream buffer once it holds this much text... */
const FLUSH_BYTES = 256 * 1024;
/** ...or once its oldest text has waited this long, so a long cell still shows progress. */
const FLUSH_MS = 50;

/**
 * The single path from learner code to the host. Stream text is coalesced (a
 * 100,000-line print becomes a few messages, not 100,000), and every non-stream
 * output first flushes the text before it, so the notebook shows output in the
 * order the program produced it. Nothing is dropped.
 */
export class OutputChannel {
  #pending: { cell: CellContext; name: StreamName; text: string } | undefined;
  #pendingSinceMs = 0;
  #scheduled = false;

  constructor(private readonly post: (message: WorkerToHost) => void) {}

  stream(name: StreamName, text: string, cell: CellContext | undefined = currentCell()): void {
    if (!cell || text.length === 0) return;
    const pending = this.#pending;
    if (pending && (pending.cell !== cell || pending.name !== name)) this.flush();
    if (!this.#pending) {
      this.#pending = { cell, name, text };
      this.#pendingSinceMs = Date.now();
    } else {
      this.#pending.text += text;
    }
    if (this.#pending.text.length >= FLUSH_BYTES || Date.now() - this.#pendingSinceMs >= FLUSH_MS) {
      this.flush();
    } else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.flush();
      });
    }
  }

  emit(output: Omit<Output, "parent">, cell: CellContext | undefined = currentCell()): void {
    this.flush();
    if (!cell) return;
    this.post({ type: "output", output: { ...output, parent: cell.parent } });
  }

  /**
   * Flushes text that has waited FLUSH_MS. Called by the loop guards, because a
   * loop that prints once and then spins (a spin-wait on a lock that never
   * opens) never yields to the setImmediate above, and its output would stay
   * unseen until the loop ends. Costs one field read when nothing is pending.
   */
  flushIfDue(): void {
    if (this.#pending && Date.now() - this.#pendingSinceMs >= FLUSH_MS) this.flush();
  }

  flush(): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = undefined;
    this.post({
      type: "output",
      output: { msgType: "stream", content: { name: pending.name, text: pending.text }, parent: pending.cell.parent },
    });
  }
}
