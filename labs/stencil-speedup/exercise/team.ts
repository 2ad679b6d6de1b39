/**
 * The exercise's worker threads, started once per scenario and given one run
 * after another. A run ends when every worker reported back; one that throws,
 * or a team that runs out of time, breaks the barrier so the others stop too,
 * and a team that does not stop after that is terminated (and used no more).
 */
import { Worker } from "node:worker_threads";
import type { SubmissionCode } from "../../../grader/lab/types.js";
import type { RunOrder, WorkerReport, WorkerSetup } from "./messages.js";
import { BARRIER_CELLS, breakBarrier, resetBarrier } from "./step-barrier.js";

/** How long workers get to leave a broken barrier before they are terminated. */
const GRACE_MS = 1000;

export type RunResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

export class Team {
  private readonly barrier = new Int32Array(new SharedArrayBuffer(BARRIER_CELLS * Int32Array.BYTES_PER_ELEMENT));
  private readonly threads: Worker[] = [];
  /** Set once the team could not be stopped cleanly: later runs fail at once with this. */
  private dead: string | undefined;
  private onReport: ((id: number, report: WorkerReport) => void) | undefined;

  private constructor(readonly workers: number) {}

  static async start(workers: number, code: SubmissionCode, confined: boolean): Promise<Team> {
    const team = new Team(workers);
    const ready = Array.from({ length: workers }, (_, id) => {
      const setup: WorkerSetup = { id, workers, code, confined, barrier: team.barrier.buffer as SharedArrayBuffer };
      const thread = new Worker(new URL("./worker.js", import.meta.url), { workerData: setup });
      team.threads.push(thread);
      return new Promise<void>((resolve, reject) => {
        thread.once("message", () => resolve());
        thread.once("error", reject);
      });
    });
    for (const [id, thread] of team.threads.entries()) {
      thread.on("message", (report: WorkerReport) => team.onReport?.(id, report));
      thread.on("error", (error) => team.onReport?.(id, { type: "failed", message: `worker crashed: ${error.message}`, brokenBarrier: false }));
      thread.on("exit", (code) => team.onReport?.(id, { type: "failed", message: `worker thread exited (code ${code})`, brokenBarrier: false }));
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await team.close();
      throw error;
    }
    return team;
  }

  /** Runs every worker once on the order's buffers; resolves when all reported, or the run was stopped. */
  run(order: Omit<RunOrder, "type">, timeoutMs: number): Promise<RunResult> {
    if (this.dead !== undefined) return Promise.resolve({ ok: false, message: this.dead });
    resetBarrier(this.barrier);
    return new Promise((resolve) => {
      const pending = new Set(this.threads.map((_, id) => id));
      let failure: string | undefined;
      let grace: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(deadline);
        clearTimeout(grace);
        this.onReport = undefined;
        resolve(failure === undefined ? { ok: true } : { ok: false, message: failure });
      };
      const stop = (reason: string) => {
        failure ??= reason;
        breakBarrier(this.barrier);
        grace ??= setTimeout(() => {
          this.dead = `${failure} (the workers did not stop, so they were terminated)`;
          failure = this.dead;
          for (const thread of this.threads) void thread.terminate();
          finish();
        }, GRACE_MS);
      };
      const deadline = setTimeout(
        () => stop(`the workers did not finish within ${timeoutMs / 1000} s: a deadlock (does every worker call barrier() the same number of times?) or an endless loop`),
        timeoutMs,
      );
      this.onReport = (id, report) => {
        if (!pending.has(id) || report.type === "ready") return;
        pending.delete(id);
        // A worker thrown out of a broken barrier is a consequence; the first real failure is the news.
        if (report.type === "failed" && !report.brokenBarrier) stop(`worker ${id} threw ${report.message}`);
        else if (report.type === "failed") stop(`worker ${id} was stopped in barrier(): ${report.message}`);
        if (pending.size === 0) finish();
      };
      for (const thread of this.threads) thread.postMessage({ type: "run", ...order } satisfies RunOrder);
    });
  }

  async close(): Promise<void> {
    this.onReport = undefined;
    await Promise.all(this.threads.map((thread) => thread.terminate()));
  }
}
