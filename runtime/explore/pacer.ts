/**
 * Runs are pure microtasks; the pacer gives the event loop a turn now and then
 * and notices a thread that awaits anything else.
 */
import type { Run, RunResult } from "./run.js";

/**
 * Every run is a chain of microtasks, so a run whose threads await only t.*
 * operations ends before any macrotask. An armed setImmediate therefore fires
 * during a run only if a thread awaits something else (a timer, I/O): then the
 * run is stalled and reported as misuse instead of hanging. Between runs the
 * explorer awaits the same setImmediate every few thousand steps, which lets
 * the kernel deliver interrupts and output while a long exploration runs; an
 * aborted signal then stops it before the next run.
 */
export class Pacer {
  private idle: Promise<void> | undefined;
  private current: Run | undefined;
  private budget = Pacer.BUDGET;
  private static readonly BUDGET = 20_000;

  constructor(private readonly signal?: AbortSignal) {}

  async run(run: Run): Promise<RunResult> {
    this.signal?.throwIfAborted();
    this.arm();
    this.current = run;
    const result = await run.start();
    this.current = undefined;
    this.budget -= result.steps + 16;
    if (this.budget <= 0) {
      this.budget = Pacer.BUDGET;
      await this.idle;
    }
    return result;
  }

  private arm(): void {
    if (this.idle) return;
    this.idle = new Promise((resolve) =>
      setImmediate(() => {
        this.idle = undefined;
        this.current?.stalled();
        resolve();
      }),
    );
  }
}
