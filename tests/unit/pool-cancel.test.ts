/**
 * Cancelling tasks with an AbortSignal, queued or running, and by a kernel
 * interrupt. A running task cannot be stopped politely (it may spin in
 * `for (;;) {}`), so its worker is terminated and replaced; queued tasks are
 * just dropped. Every step is sequenced by handshakes in shared memory: a task
 * announces that it runs, the test waits for that, then aborts.
 * Uses the built package (`npm run build` first).
 */
import { afterEach, describe, expect, test } from "vitest";
import { PardisError } from "../../dist/runtime/core/index.js";
import { createPool, type Pool } from "../../dist/runtime/index.js";

const pools: Pool[] = [];
function newPool(threads: number): Pool {
  const pool = createPool({ threads, progress: false });
  pools.push(pool);
  return pool;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close({ force: true })));
});

/** cells[0]: tasks that have started; cells[1]: the gate blocked tasks wait on (0 = closed). */
function handshake(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(8));
}

/** Resolves once cells[index] reaches at least `count` (woken by the tasks' Atomics.notify). */
async function waitForCount(cells: Int32Array, index: number, count: number): Promise<void> {
  for (let seen = Atomics.load(cells, index); seen < count; seen = Atomics.load(cells, index)) {
    const waiting = Atomics.waitAsync(cells, index, seen);
    if (waiting.async) await waiting.value;
  }
}

function openGate(cells: Int32Array): void {
  Atomics.store(cells, 1, 1);
  Atomics.notify(cells, 1);
}

/** Announces itself, then spins forever: only terminating its worker stops it. */
const spinForever = (cells: Int32Array) => {
  Atomics.add(cells, 0, 1);
  Atomics.notify(cells, 0);
  for (;;) {
    // stuck
  }
};

/** Announces itself, then waits for the gate. */
const waitForGate = ({ cells, name }: { cells: Int32Array; name: string }) => {
  Atomics.add(cells, 0, 1);
  Atomics.notify(cells, 0);
  while (Atomics.load(cells, 1) === 0) Atomics.wait(cells, 1, 0);
  return `${name} done`;
};

async function rejection(promise: Promise<unknown>): Promise<PardisError> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(PardisError);
      return error as PardisError;
    },
  );
}

const byId = (pool: Pool) => [...pool.trace.records].sort((a, b) => a.id - b.id);

describe("AbortSignal", () => {
  test("aborting a running task rejects it; its worker is replaced and the pool runs the next task", async () => {
    const pool = newPool(1);
    const cells = handshake();
    const controller = new AbortController();
    const stuck = pool.run(spinForever, cells, { signal: controller.signal });
    await waitForCount(cells, 0, 1);
    controller.abort(new Error("enough"));
    const error = await rejection(stuck);
    expect(error.code).toBe("task-cancelled");
    expect(error.message).toBe("spinForever was cancelled: Error: enough");
    expect((error.cause as Error).message).toBe("enough");
    expect(await pool.run((x: number) => x + 1, 1)).toBe(2);
    const [cancelled, next] = byId(pool);
    // The cancelled task had started on worker 0; the next ran on its replacement.
    expect(cancelled).toMatchObject({ status: "cancelled", worker: 0, label: "spinForever" });
    expect(cancelled!.startedMs).toBeGreaterThanOrEqual(cancelled!.queuedMs);
    expect(next).toMatchObject({ status: "ok", worker: 1 });
  });

  test("a task asleep in Atomics.wait (a lock that never opens) is cancelled too", async () => {
    const pool = newPool(1);
    const cells = handshake();
    const controller = new AbortController();
    // Waits at the gate, which this test never opens.
    const asleep = pool.run(waitForGate, { cells, name: "asleep" }, { signal: controller.signal });
    await waitForCount(cells, 0, 1);
    controller.abort();
    expect((await rejection(asleep)).code).toBe("task-cancelled");
    expect(await pool.run((x: number) => x * 3, 3)).toBe(9);
  });

  test("aborting a queued task drops it without disturbing the running one or its worker", async () => {
    const pool = newPool(1);
    const cells = handshake();
    const first = pool.run(waitForGate, { cells, name: "first" });
    await waitForCount(cells, 0, 1);
    const controller = new AbortController();
    const queued = pool.run((x: number) => x, 1, { signal: controller.signal });
    const after = pool.run(waitForGate, { cells, name: "after" });
    controller.abort();
    const error = await rejection(queued);
    expect(error.code).toBe("task-cancelled");
    openGate(cells);
    expect(await Promise.all([first, after])).toEqual(["first done", "after done"]);
    const records = byId(pool);
    expect(records.map((r) => [r.status, r.worker])).toEqual([
      ["ok", 0],
      ["cancelled", -1],
      ["ok", 0],
    ]);
    expect(records[1]!.startedMs).toBeUndefined();
  });

  test("cancelling a map stops its running chunks and drops the queued ones", async () => {
    const pool = newPool(2);
    const cells = handshake();
    const controller = new AbortController();
    const mapping = pool.map(spinForever, Array.from({ length: 8 }, () => cells), {
      chunkSize: 1,
      signal: controller.signal,
    }).catch((error: unknown) => error);
    // Both workers are inside a chunk before the abort.
    await waitForCount(cells, 0, 2);
    controller.abort();
    const error = (await mapping) as PardisError;
    expect(error.code).toBe("task-cancelled");
    expect(await pool.map((x: number) => x * 2, [1, 2, 3])).toEqual([2, 4, 6]);
    const cancelled = byId(pool).filter((r) => r.status === "cancelled");
    expect(cancelled).toHaveLength(8);
    expect(cancelled.filter((r) => r.worker >= 0 && r.startedMs !== undefined)).toHaveLength(2);
    expect(cancelled.filter((r) => r.worker === -1)).toHaveLength(6);
  });

  test("a map waiting behind a busy worker is cancelled without any of its chunks starting", async () => {
    const pool = newPool(1);
    const cells = handshake();
    const blocker = pool.run(waitForGate, { cells, name: "blocker" });
    await waitForCount(cells, 0, 1);
    const controller = new AbortController();
    const mapping = pool.map((x: number) => x, Array.from({ length: 10 }, (_, i) => i), { chunkSize: 1, signal: controller.signal });
    controller.abort();
    expect((await rejection(mapping)).code).toBe("task-cancelled");
    openGate(cells);
    expect(await blocker).toBe("blocker done");
    const records = byId(pool);
    expect(records.filter((r) => r.status === "cancelled" && r.worker === -1)).toHaveLength(10);
    expect(records.find((r) => r.status === "ok")?.worker).toBe(0);
  });

  test("an already aborted signal rejects at once and runs nothing", async () => {
    const pool = newPool(1);
    const error = await rejection(pool.run((x: number) => x, 1, { signal: AbortSignal.abort(new Error("too late")) }));
    expect(error.code).toBe("task-cancelled");
    expect(pool.trace.records).toHaveLength(0);
  });

  test("close({ force: true }) cancels a stuck task and ends the workers", async () => {
    const pool = createPool({ threads: 1 });
    const cells = handshake();
    const stuck = pool.run(spinForever, cells);
    await waitForCount(cells, 0, 1);
    const outcome = rejection(stuck);
    await pool.close({ force: true });
    expect((await outcome).code).toBe("task-cancelled");
    expect(pool.trace.records.map((r) => [r.status, r.worker])).toEqual([["cancelled", 0]]);
  });
});

describe("kernel interrupt", () => {
  const BRIDGE = Symbol.for("pardis.kernel");
  const globals = globalThis as Record<symbol, unknown>;
  afterEach(() => {
    delete globals[BRIDGE];
  });

  /** Just enough of the kernel's bridge: an interrupt signal that is replaced after every interrupt, as the kernel does. */
  function fakeKernel() {
    let controller = new AbortController();
    globals[BRIDGE] = {
      get interruptSignal() {
        return controller.signal;
      },
      display() {},
    };
    return {
      interrupt() {
        const interrupted = controller;
        controller = new AbortController();
        interrupted.abort(Object.assign(new Error("Execution interrupted by the user"), { name: "InterruptError" }));
      },
    };
  }

  test("an interrupt cancels running and queued tasks; tasks submitted after it run normally", async () => {
    const kernel = fakeKernel();
    const pool = newPool(1);
    const cells = handshake();
    const stuck = pool.run(spinForever, cells);
    const queued = pool.run((x: number) => x, 1);
    await waitForCount(cells, 0, 1);
    kernel.interrupt();
    const [stuckError, queuedError] = await Promise.all([rejection(stuck), rejection(queued)]);
    expect(stuckError.code).toBe("task-cancelled");
    expect(stuckError.message).toBe("spinForever was cancelled: the kernel was interrupted");
    expect(queuedError.code).toBe("task-cancelled");
    expect(await pool.run((x: number) => x + 1, 41)).toBe(42);
  });

  test("a signal of the caller and the kernel's both cancel", async () => {
    fakeKernel();
    const pool = newPool(1);
    const cells = handshake();
    const controller = new AbortController();
    const stuck = pool.run(spinForever, cells, { signal: controller.signal });
    await waitForCount(cells, 0, 1);
    controller.abort(new Error("mine"));
    expect((await rejection(stuck)).message).toMatch(/Error: mine/);
  });
});
