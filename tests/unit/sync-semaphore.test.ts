/**
 * Semaphore: never more holders than permits, under contention from worker
 * threads; exactly N admitted at once; multi-permit waiters; async acquire on
 * the main thread; misuse.
 */
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { SEMAPHORE } from "../../runtime/sync/layout.js";
import { Barrier, Latch, Semaphore, sharedArray } from "../../runtime/sync/index.js";
import { assertBuilt, isSettled, runWorkers, startWorker, stopWorkers, until } from "./sync-workers.js";

vi.setConfig({ testTimeout: 30_000 });
beforeAll(assertBuilt);
afterEach(stopWorkers);

const waitersOf = (semaphore: Semaphore) => Atomics.load(new Int32Array(semaphore.buffer), semaphore.index + SEMAPHORE.waiters);

describe("Semaphore under contention", () => {
  test("4 workers x 5000 rounds on 2 permits: never more than 2 inside", async () => {
    const workers = 4;
    const permits = 2;
    // cells[0]: holders inside now; cells[1]: the most ever seen inside; cells[2]: rounds completed.
    const data = { semaphore: new Semaphore(permits), cells: sharedArray(Int32Array, 3), start: new Latch(workers), rounds: 5000 };
    await runWorkers(workers, (_sync, { semaphore, cells, start, rounds }) => {
      start.countDown();
      start.wait();
      for (let i = 0; i < rounds; i++) {
        semaphore.acquire();
        const inside = Atomics.add(cells, 0, 1) + 1;
        for (let seen = Atomics.load(cells, 1); inside > seen; seen = Atomics.load(cells, 1)) Atomics.compareExchange(cells, 1, seen, inside);
        // Stay inside a little, so that holders overlap and an over-admitting semaphore would show.
        for (let spin = 0; spin < 50; spin++) Atomics.load(cells, 0);
        Atomics.sub(cells, 0, 1);
        Atomics.add(cells, 2, 1);
        semaphore.release();
      }
    }, data);
    expect(data.cells[2]).toBe(workers * 5000);
    expect(data.cells[1]).toBeLessThanOrEqual(permits);
    expect(data.cells[1]).toBeGreaterThanOrEqual(1);
    expect(data.semaphore.available).toBe(permits);
  });

  test("admits exactly N at once: N workers meet inside while an N+1st is refused, then waits and gets in", async () => {
    const permits = 3;
    const semaphore = new Semaphore(permits);
    const inside = new Barrier(permits + 1); // the N holders and the test meet while all N hold a permit
    const leave = new Latch(1);
    const holders = Array.from({ length: permits }, (_, id) =>
      startWorker((_sync, { semaphore, inside, leave }) => {
        semaphore.acquire();
        inside.wait();
        leave.wait();
        semaphore.release();
      }, { semaphore, inside, leave }, id),
    );
    await inside.waitAsync();
    expect(semaphore.available).toBe(0);
    expect(semaphore.tryAcquire()).toBe(false);
    const late = startWorker((_sync, { semaphore }) => {
      semaphore.acquire();
      semaphore.release();
      return "admitted";
    }, { semaphore });
    await until(() => waitersOf(semaphore) === 1); // the late worker is queued
    expect(await isSettled(late.result)).toBe(false);
    leave.countDown();
    expect(await late.result).toBe("admitted");
    await Promise.all(holders.map((h) => h.result));
    expect(semaphore.available).toBe(permits);
  });

  test("a waiter for 3 permits gets them from three separate releases, with a 1-permit waiter queued too", async () => {
    const semaphore = new Semaphore(0);
    const bulk = startWorker((_sync, { semaphore }) => {
      semaphore.acquire(3);
      return "bulk";
    }, { semaphore });
    const single = startWorker((_sync, { semaphore }) => {
      semaphore.acquire(1);
      return "single";
    }, { semaphore }, 1);
    await until(() => waitersOf(semaphore) === 2);
    semaphore.release(1); // one of them may take it: the single waiter
    await expect(single.result).resolves.toBe("single");
    semaphore.release(1);
    semaphore.release(1);
    expect(await isSettled(bulk.result)).toBe(false);
    semaphore.release(1);
    await expect(bulk.result).resolves.toBe("bulk");
    expect(semaphore.available).toBe(0);
  });
});

describe("Semaphore on the main thread (async) and timeouts", () => {
  test("acquireAsync waits without blocking, tryAcquire/tryAcquireAsync time out", async () => {
    const semaphore = new Semaphore(1);
    semaphore.acquire();
    expect(semaphore.tryAcquire(1, 10)).toBe(false);
    expect(await semaphore.tryAcquireAsync(1, 10)).toBe(false);
    const acquired = semaphore.acquireAsync();
    expect(await isSettled(acquired)).toBe(false);
    const { result } = startWorker((_sync, { semaphore }) => semaphore.release(), { semaphore });
    await result;
    await acquired;
    expect(semaphore.available).toBe(0);
    semaphore.release();
    expect(semaphore.withPermit(() => semaphore.available)).toBe(0);
    expect(String(semaphore)).toBe("Semaphore(1 available)");
  });
});

describe("Semaphore misuse", () => {
  const misuse = (message: RegExp) => expect.objectContaining({ code: "sync-misuse", message: expect.stringMatching(message) });

  test("negative or fractional permits, and wrong types", () => {
    expect(() => new Semaphore(-1)).toThrow(misuse(/new Semaphore\(permits\): expected permits to be an integer >= 0, got -1/));
    expect(() => new Semaphore(1.5)).toThrow(misuse(/got 1.5/));
    expect(() => new Semaphore("2" as never)).toThrow(new TypeError('new Semaphore(permits): expected permits to be a number, got "2" (string)'));
    expect(() => new Semaphore(undefined as never)).toThrow(TypeError);
    const semaphore = new Semaphore(1);
    expect(() => semaphore.acquire(0)).toThrow(misuse(/Semaphore.acquire: expected permits to be an integer >= 1, got 0/));
    expect(() => semaphore.release(-2)).toThrow(misuse(/Semaphore.release: expected permits to be an integer >= 1, got -2/));
    expect(() => semaphore.tryAcquire(1, -5)).toThrow(misuse(/timeoutMs/));
  });

  test("releasing past 2^31 - 1 permits", () => {
    const semaphore = new Semaphore(0x7fff_fffe);
    semaphore.release();
    expect(() => semaphore.release()).toThrow(misuse(/would pass 2147483647; is release called more often than acquire/));
    expect(semaphore.available).toBe(0x7fff_ffff);
  });
});
