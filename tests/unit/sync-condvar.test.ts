/**
 * CondVar: a bounded buffer with producers and consumers on worker threads,
 * strict turn-taking that sleeps on every hand-off (a lost wake-up hangs it),
 * notifyAll, timeouts, the async twin on the main thread, misuse.
 */
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { CondVar, Latch, Mutex, SyncMemory, sharedArray } from "../../runtime/sync/index.js";
import { assertBuilt, isSettled, runWorkers, startWorker, stopWorkers, until } from "./sync-workers.js";

// A lost wake-up leaves a thread asleep forever: the timeout is the failure bound, never the sequencing.
vi.setConfig({ testTimeout: 30_000 });
beforeAll(assertBuilt);
afterEach(stopWorkers);

describe("CondVar with producers and consumers", () => {
  test("2 producers x 20k items through a 4-slot buffer to 2 consumers: every item arrives once", async () => {
    const capacity = 4;
    const perProducer = 20_000;
    const memory = new SyncMemory(32); // the mutex and both condition variables share one buffer
    const data = {
      mutex: new Mutex({ memory }),
      notFull: new CondVar({ memory }),
      notEmpty: new CondVar({ memory }),
      // ring[0..capacity-1] items; state[0] head, state[1] tail, state[2] count
      ring: sharedArray(Int32Array, capacity),
      state: sharedArray(Int32Array, 3),
      capacity,
      perProducer,
    };
    type Data = typeof data;
    const produce = (_sync: unknown, { mutex, notFull, notEmpty, ring, state, capacity, perProducer }: Data, { id }: { id: number }) => {
      for (let i = 1; i <= perProducer; i++) {
        mutex.lock();
        while (state[2] === capacity) notFull.wait(mutex);
        ring[state[1]!] = id * 1_000_000 + i;
        state[1] = (state[1]! + 1) % capacity;
        state[2]!++;
        notEmpty.notify();
        mutex.unlock();
      }
      return 0;
    };
    const consume = (_sync: unknown, { mutex, notFull, notEmpty, ring, state, capacity, perProducer }: Data) => {
      let sum = 0;
      let count = 0;
      let waits = 0; // how often this consumer found the buffer empty and slept
      for (let i = 0; i < perProducer; i++) {
        mutex.lock();
        while (state[2] === 0) {
          waits++;
          notEmpty.wait(mutex);
        }
        const item = ring[state[0]!]!;
        state[0] = (state[0]! + 1) % capacity;
        state[2]!--;
        notFull.notify();
        mutex.unlock();
        sum += item;
        count++;
      }
      return { sum, count, waits };
    };
    const [producers, consumers] = await Promise.all([runWorkers(2, produce, data), runWorkers(2, consume, data)]);
    expect(producers).toEqual([0, 0]);
    const expected = [0, 1].reduce((total, id) => total + perProducer * id * 1_000_000 + (perProducer * (perProducer + 1)) / 2, 0);
    expect(consumers[0]!.sum + consumers[1]!.sum).toBe(expected);
    expect(consumers[0]!.count + consumers[1]!.count).toBe(2 * perProducer);
    expect(Array.from(data.state)).toEqual([data.state[0], data.state[0], 0]);
    expect(data.notEmpty.waiting + data.notFull.waiting).toBe(0);
  });

  test("strict turn-taking between 2 workers, 3000 turns each: a single lost wake-up would strand one of them", async () => {
    const turns = 3000;
    const data = { mutex: new Mutex(), changed: new CondVar(), turn: sharedArray(Int32Array, 1), turns };
    const waits = await runWorkers(2, (_sync, { mutex, changed, turn, turns }, { id }) => {
      let waits = 0;
      for (let i = 0; i < turns; i++) {
        mutex.lock();
        while (turn[0]! % 2 !== id) {
          waits++;
          changed.wait(mutex);
        }
        turn[0]!++;
        changed.notify();
        mutex.unlock();
      }
      return waits;
    }, data);
    expect(data.turn[0]).toBe(2 * turns);
    expect(waits[0]! + waits[1]!).toBeGreaterThan(0);
  });
});

describe("CondVar.notifyAll and timeouts", () => {
  test("notifyAll wakes every sleeper; each notify wakes a sleeper", async () => {
    const data = { mutex: new Mutex(), cond: new CondVar(), flag: sharedArray(Int32Array, 2) };
    const sleepers = Array.from({ length: 3 }, (_, id) =>
      startWorker((_sync, { mutex, cond, flag }) => {
        mutex.lock();
        while (flag[0] === 0) cond.wait(mutex);
        flag[1]!++;
        mutex.unlock();
      }, data, id),
    );
    await until(() => data.cond.waiting === 3);
    await data.mutex.lockAsync(); // every sleeper has read the sequence and let go of the mutex
    data.flag[0] = 1;
    data.cond.notifyAll();
    data.mutex.unlock();
    await Promise.all(sleepers.map((s) => s.result));
    expect(data.flag[1]).toBe(3);

    // notify(): one ticket and one wake-up at a time.
    data.flag[0] = 0;
    data.flag[1] = 0;
    const again = Array.from({ length: 2 }, (_, id) =>
      startWorker((_sync, { mutex, cond, flag }) => {
        mutex.lock();
        while (flag[0] === 0) cond.wait(mutex);
        flag[0]!--; // each wake-up consumes one "ticket"
        flag[1]!++;
        mutex.unlock();
      }, data, id),
    );
    await until(() => data.cond.waiting === 2);
    for (const _ of again) {
      await data.mutex.lockAsync();
      data.flag[0]!++;
      data.cond.notify();
      data.mutex.unlock();
    }
    await Promise.all(again.map((s) => s.result));
    expect(data.flag[1]).toBe(2);
  });

  test("tryWait returns false after its timeout, holding the mutex again", async () => {
    const mutex = new Mutex();
    const cond = new CondVar();
    mutex.lock();
    expect(cond.tryWait(mutex, 15)).toBe(false);
    expect(mutex.isHeldByThisThread).toBe(true);
    expect(await cond.tryWaitAsync(mutex, 15)).toBe(false);
    expect(mutex.isHeldByThisThread).toBe(true);
    expect(cond.waiting).toBe(0);
    mutex.unlock();
  });

  test("waitAsync lets the main thread's event loop run while it waits for a worker's notify", async () => {
    const data = { mutex: new Mutex(), cond: new CondVar(), flag: sharedArray(Int32Array, 1), go: new Latch(1) };
    await data.mutex.lockAsync();
    const waited = (async () => {
      while (data.flag[0] === 0) await data.cond.waitAsync(data.mutex);
      const holds = data.mutex.isHeldByThisThread;
      data.mutex.unlock();
      return holds;
    })();
    const { result } = startWorker((_sync, { mutex, cond, flag, go }) => {
      go.wait();
      mutex.lock();
      flag[0] = 1;
      cond.notify();
      mutex.unlock();
    }, data);
    // Had waitAsync blocked this thread, the worker would never get its go.
    expect(await isSettled(waited)).toBe(false);
    data.go.countDown();
    await result;
    expect(await waited).toBe(true);
  });
});

describe("CondVar misuse", () => {
  test("waiting without holding the mutex, with something else than a Mutex, or on another thread's mutex", async () => {
    const cond = new CondVar();
    const mutex = new Mutex();
    expect(() => cond.wait(mutex)).toThrow(expect.objectContaining({ code: "sync-misuse", message: "CondVar.wait: expected the mutex to be held by this thread; lock it before waiting" }));
    expect(() => cond.wait({} as never)).toThrow(new TypeError("CondVar.wait: expected a Mutex (revived with reviveShared or Mutex.from if it crossed postMessage), got an object"));
    expect(() => cond.wait(structuredClone(mutex) as never)).toThrow(TypeError);
    mutex.lock();
    const { result } = startWorker((_sync, { cond, mutex }) => cond.tryWait(mutex, 10), { cond, mutex });
    await expect(result).rejects.toMatchObject({ code: "sync-misuse" });
    mutex.unlock();
    expect(() => cond.notify(0)).toThrow(expect.objectContaining({ code: "sync-misuse" }));
    expect(cond.waiting).toBe(0);
  });
});
