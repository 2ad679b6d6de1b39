/**
 * Latch and AtomicCounter with worker threads: a latch opens on the last
 * count-down and not before; counters lose nothing under contention; waiting
 * for a value, blocking and async; misuse.
 */
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { AtomicCounter, Latch, sharedArray } from "../../runtime/sync/index.js";
import { assertBuilt, isSettled, runWorkers, startWorker, stopWorkers, until } from "./sync-workers.js";

vi.setConfig({ testTimeout: 30_000 });
beforeAll(assertBuilt);
afterEach(stopWorkers);

const misuse = (message: RegExp) => expect.objectContaining({ code: "sync-misuse", message: expect.stringMatching(message) });

describe("Latch", () => {
  test("opens on the 4th count-down from 4 workers, not before; 3 blocked waiters then all pass", async () => {
    const data = { latch: new Latch(4), turn: new AtomicCounter(0), passedAt: sharedArray(Int32Array, 3).fill(-1) };
    const waiters = Array.from({ length: 3 }, (_, id) =>
      startWorker((_sync, { latch, passedAt }, { id }) => {
        latch.wait();
        passedAt[id] = latch.count; // what the latch said when this waiter got through
      }, data, id),
    );
    // Each counter waits for its turn, so the test decides when every count-down happens.
    const counters = runWorkers(4, (_sync, { latch, turn }, { id }) => {
      turn.waitUntil((value) => value > id);
      latch.countDown();
    }, data);
    for (let k = 0; k < 4; k++) {
      expect(data.latch.tryWait(0)).toBe(false);
      expect(Array.from(data.passedAt)).toEqual([-1, -1, -1]);
      data.turn.increment();
      await until(() => data.latch.count === 3 - k);
    }
    await counters;
    await Promise.all(waiters.map((w) => w.result));
    expect(Array.from(data.passedAt)).toEqual([0, 0, 0]);
    expect(data.latch.isOpen).toBe(true);
    data.latch.wait(); // stays open
  });

  test("waitAsync keeps the main thread's event loop running until a worker opens the latch", async () => {
    const data = { latch: new Latch(2), go: new Latch(1) };
    const opened = data.latch.waitAsync();
    const { result } = startWorker((_sync, { latch, go }) => {
      go.wait();
      latch.countDown(2);
    }, data);
    expect(await isSettled(opened)).toBe(false);
    data.go.countDown(); // unreachable had waitAsync blocked this thread
    await result;
    await opened;
    expect(await data.latch.tryWaitAsync(0)).toBe(true);
  });

  test("tryWait times out on a closed latch; a latch of 0 is open", async () => {
    expect(new Latch(1).tryWait(10)).toBe(false);
    expect(await new Latch(1).tryWaitAsync(10)).toBe(false);
    expect(new Latch(0).tryWait(0)).toBe(true);
    expect(String(new Latch(3))).toBe("Latch(3 to go)");
  });

  test("misuse: counting down past zero, negative counts, wrong types", () => {
    const latch = new Latch(2);
    expect(() => latch.countDown(3)).toThrow(misuse(/Latch.countDown: expected at most 2 more count-downs, got one of 3/));
    latch.countDown(2);
    expect(() => latch.countDown()).toThrow(misuse(/already open/));
    expect(() => latch.countDown(0)).toThrow(misuse(/expected n to be an integer >= 1, got 0/));
    expect(() => new Latch(-1)).toThrow(misuse(/new Latch\(count\): expected count to be an integer >= 0, got -1/));
    expect(() => new Latch("1" as never)).toThrow(TypeError);
  });
});

describe("AtomicCounter", () => {
  test("4 workers x (50k increments, 20k decrements, 10k add(3)): nothing lost", async () => {
    const data = { counter: new AtomicCounter(7), start: new Latch(4) };
    await runWorkers(4, (_sync, { counter, start }) => {
      start.countDown();
      start.wait();
      for (let i = 0; i < 50_000; i++) {
        counter.increment();
        if (i % 5 < 2) counter.decrement();
        if (i % 5 === 0) counter.add(3);
      }
    }, data);
    expect(data.counter.value).toBe(7 + 4 * (50_000 - 20_000 + 3 * 10_000));
  });

  test("compareAndSet hands out 4 x 5000 tickets without a duplicate", async () => {
    const data = { next: new AtomicCounter(0) };
    const tickets = await runWorkers(4, (_sync, { next }) => {
      const mine: number[] = [];
      while (mine.length < 5000) {
        const seen = next.load();
        if (next.compareAndSet(seen, seen + 1)) mine.push(seen);
      }
      return mine;
    }, data);
    const all = tickets.flat();
    expect(new Set(all).size).toBe(20_000);
    expect(Math.max(...all)).toBe(19_999);
  });

  test("waitUntil in a worker wakes on the main thread's increments; waitUntilAsync on the main thread", async () => {
    const data = { counter: new AtomicCounter(0), go: new Latch(1) };
    const { result } = startWorker((_sync, { counter, go }) => {
      const seen = counter.waitUntil((value) => value >= 3);
      go.wait();
      counter.add(10);
      return seen;
    }, data);
    for (let i = 0; i < 3; i++) data.counter.increment();
    const reached = data.counter.waitUntilAsync((value) => value >= 13);
    expect(await isSettled(reached)).toBe(false);
    data.go.countDown();
    expect(await result).toBe(3);
    expect(await reached).toBe(13);
    expect(data.counter.tryWaitUntil((value) => value < 0, 10)).toBeUndefined();
    expect(await data.counter.tryWaitUntilAsync((value) => value < 0, 10)).toBeUndefined();
  });

  test("wraps around like Int32; exchange, store and misuse", () => {
    const counter = new AtomicCounter(0x7fff_ffff);
    expect(counter.increment()).toBe(-0x8000_0000);
    expect(counter.exchange(5)).toBe(-0x8000_0000);
    counter.store(-1);
    expect(counter.add(2)).toBe(1);
    expect(() => new AtomicCounter(1.5)).toThrow(misuse(/expected initial to be a 32-bit signed integer, got 1.5/));
    expect(() => counter.add(2 ** 40)).toThrow(misuse(/delta/));
    expect(() => new AtomicCounter("1" as never)).toThrow(new TypeError('new AtomicCounter(initial): expected initial to be a number, got "1" (string)'));
    expect(() => counter.waitUntil(5 as never)).toThrow(new TypeError("AtomicCounter.waitUntil: expected predicate to be a function, got 5 (number)"));
  });
});
