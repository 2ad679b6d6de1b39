/**
 * A concurrency limit shared by everything one grading run starts: the
 * scenarios of one submission, or of every submission in a batch, so a batch
 * keeps all cores busy without oversubscribing them. A task can ask for the
 * whole pool (timing scenarios: a speedup measured next to other work would
 * measure the neighbours).
 */
import { availableParallelism } from "node:os";

export class Pool {
  readonly size: number;
  private used = 0;
  private readonly waiting: Array<{ weight: number; start: () => void }> = [];

  constructor(size = availableParallelism()) {
    this.size = Math.max(1, Math.floor(size));
  }

  /** Runs `task` once `weight` slots are free (capped at the pool size); first come, first served. */
  async run<T>(task: () => Promise<T>, weight = 1): Promise<T> {
    const need = Math.min(Math.max(1, weight), this.size);
    await this.acquire(need);
    try {
      return await task();
    } finally {
      this.used -= need;
      this.wake();
    }
  }

  private acquire(weight: number): Promise<void> {
    if (this.waiting.length === 0 && this.used + weight <= this.size) {
      this.used += weight;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ weight, start: resolve }));
  }

  /** In order: a wide task at the head waits for room rather than being overtaken forever. */
  private wake(): void {
    while (this.waiting.length > 0 && this.used + this.waiting[0]!.weight <= this.size) {
      const next = this.waiting.shift()!;
      this.used += next.weight;
      next.start();
    }
  }
}
