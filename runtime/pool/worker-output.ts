/**
 * Worker side of console output: everything a task prints (console.*,
 * process.stdout/stderr.write) goes to the pool's BroadcastChannel tagged with
 * the task's id, so the main side can show it in the cell that submitted the
 * task rather than the one that created the pool or started the worker.
 *
 * Text is batched as the kernel batches a cell's output: a task printing
 * 100,000 lines posts a few messages, not 100,000. A batch is posted when the
 * stream changes, when it is large, when the event loop turns, when the loop
 * guard of a spinning loop finds it older than FLUSH_MS, and always before the
 * task's reply, which carries how many messages the task posted so the main
 * side can wait for them all (the channel and piscina's reply port are
 * separate queues with no order between them).
 */
import { Console } from "node:console";
import { Writable } from "node:stream";
import type { BroadcastChannel } from "node:worker_threads";
import type { OutputMessage } from "./protocol.js";

type StreamName = "stdout" | "stderr";

const FLUSH_BYTES = 64 * 1024;
const FLUSH_MS = 50;

export class TaskOutput {
  #taskId = 0;
  #posted = 0;
  #stream: StreamName = "stdout";
  #text = "";
  #sinceMs = 0;
  #scheduled = false;

  constructor(private readonly channel: BroadcastChannel) {}

  /** Output from now on belongs to this task (a worker runs one task at a time). */
  begin(taskId: number): void {
    // Text printed between tasks (a timer a task left behind) belongs to the task before.
    this.flush();
    this.#taskId = taskId;
    this.#posted = 0;
  }

  /** Posts what is pending; returns how many messages the task posted in all. */
  end(): number {
    this.flush();
    return this.#posted;
  }

  write(stream: StreamName, text: string): void {
    if (text.length === 0) return;
    if (this.#text.length > 0 && stream !== this.#stream) this.flush();
    if (this.#text.length === 0) {
      this.#stream = stream;
      this.#sinceMs = Date.now();
    }
    this.#text += text;
    if (this.#text.length >= FLUSH_BYTES || Date.now() - this.#sinceMs >= FLUSH_MS) {
      this.flush();
    } else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.flush();
      });
    }
  }

  /** For the loop guard: a loop that prints once and then spins never lets setImmediate run. One field read when idle. */
  flushIfDue(): void {
    if (this.#text.length > 0 && Date.now() - this.#sinceMs >= FLUSH_MS) this.flush();
  }

  flush(): void {
    if (this.#text.length === 0) return;
    const message: OutputMessage = [this.#taskId, this.#stream, this.#text];
    this.#text = "";
    this.#posted++;
    this.channel.postMessage(message);
  }

  /** Points console and process.stdout/stderr of this thread at the channel. */
  install(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      const target = process[stream] as unknown as { write: (chunk: unknown, ...rest: unknown[]) => boolean };
      target.write = (chunk: unknown, ...rest: unknown[]) => {
        this.write(stream, typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
        const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
        callback?.();
        return true;
      };
    }
    const sink = (stream: StreamName) =>
      new Writable({
        write: (chunk: Buffer | string, _encoding, callback) => {
          this.write(stream, typeof chunk === "string" ? chunk : chunk.toString("utf8"));
          callback();
        },
      });
    globalThis.console = new Console({ stdout: sink("stdout"), stderr: sink("stderr"), colorMode: false });
  }
}
