/**
 * Mutex under real contention from worker threads, its timeouts, its async
 * twin on the main thread, and the misuse it reports.
 */
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { PardisError } from "../../runtime/core/index.js";
import { CONTENDED, MUTEX } from "../../runtime/sync/layout.js";
import { Latch, Mutex, Semaphore, reviveShared, sharedArray } from "../../runtime/sync/index.js";
import { assertBuilt, isSettled, runWorkers, startWorker, stopWorkers, until } from "./sync-workers.js";

beforeAll(assertBuilt);
vi.setConfig({ testTimeout: 30_000 });
afterEach(stopWorkers);

const stateOf = (mutex: Mutex) => () => Atomics.load(new Int32Array(mutex.buffer), mutex.index + MUTEX.state);

describe("Mutex under contention", () => {
  test("4 workers x 50k increments under the lock: none lost, never two holders at once", async () => {
    const workers = 4;
    const increments = 50_000;
    // cells[0]: the counter, incremented with a plain read and write; cells[1]: holders inside right now.
    const data = { mutex: new Mutex(), cells: sharedArray(Int32Array, 2), start: new Latch(workers), increments };
    const overlaps = await runWorkers(workers, (_sync, { mutex, cells, start, increments }) => {
      start.countDown();
      start.wait(); // everyone starts together: maximal contention
      let overlaps = 0;
      for (let i = 0; i < increments; i++) {
        mutex.lock();
        if (Atomics.add(cells, 1, 1) !== 0) overlaps++;
        const seen = cells[0]!;
        cells[0] = seen + 1;
        Atomics.sub(cells, 1, 1);
        mutex.unlock();
      }
      return overlaps;
    }, data);
    expect(overlaps).toEqual([0, 0, 0, 0]);
    expect(data.cells[0]).toBe(workers * increments);
    expect(data.mutex.isLocked).toBe(false);
  });

  test("a worker's structured clone locks the same memory as the original", async () => {
    const mutex = new Mutex();
    mutex.lock();
    const { result } = startWorker((_sync, { mutex }) => [mutex instanceof Object, mutex.isLocked, mutex.tryLock()], { mutex });
    expect(await result).toEqual([true, true, false]);
    mutex.unlock();
  });
});

describe("Mutex timeouts", () => {
  test("tryLock fails at once, and after its timeout, while another thread holds the lock", async () => {
    const mutex = new Mutex();
    mutex.lock();
    const { result } = startWorker((_sync, { mutex }) => {
      const started = performance.now();
      const timed = mutex.tryLock(30);
      return { immediate: mutex.tryLock(), timed, waitedMs: performance.now() - started };
    }, { mutex });
    const outcome = await result;
    expect(outcome.immediate).toBe(false);
    expect(outcome.timed).toBe(false);
    expect(outcome.waitedMs).toBeGreaterThanOrEqual(29);
    mutex.unlock();
  });

  test("a thread asleep in tryLock(long) gets the lock when the holder unlocks", async () => {
    const mutex = new Mutex();
    mutex.lock();
    const { result } = startWorker((_sync, { mutex }) => {
      const got = mutex.tryLock(60_000);
      mutex.unlock();
      return got;
    }, { mutex });
    await until(() => stateOf(mutex)() === CONTENDED); // the worker announced itself and sleeps
    mutex.unlock();
    expect(await result).toBe(true);
    expect(mutex.tryLock()).toBe(true);
    mutex.unlock();
  });
});

describe("Mutex on the main thread (async)", () => {
  test("lockAsync waits without blocking the event loop and resolves once the worker unlocks", async () => {
    const mutex = new Mutex();
    const locked = new Latch(1);
    const release = new Latch(1);
    const { result } = startWorker((_sync, { mutex, locked, release }) => {
      mutex.lock();
      locked.countDown();
      release.wait();
      mutex.unlock();
    }, { mutex, locked, release });
    await locked.waitAsync();
    const acquired = mutex.lockAsync();
    // Had lockAsync blocked this thread, nothing below would ever run and the worker would never be released.
    expect(await isSettled(acquired)).toBe(false);
    await until(() => stateOf(mutex)() === CONTENDED);
    release.countDown();
    await acquired;
    expect(mutex.isHeldByThisThread).toBe(true);
    await result;
    mutex.unlock();
  });

  test("tryLockAsync gives up after its timeout; withLockAsync unlocks after the callback, also when it throws", async () => {
    const mutex = new Mutex();
    const locked = new Latch(1);
    const release = new Latch(1);
    const { result } = startWorker((_sync, { mutex, locked, release }) => {
      mutex.lock();
      locked.countDown();
      release.wait();
      mutex.unlock();
    }, { mutex, locked, release });
    await locked.waitAsync();
    expect(await mutex.tryLockAsync(0)).toBe(false);
    expect(await mutex.tryLockAsync(20)).toBe(false);
    release.countDown();
    await result;
    expect(await mutex.withLockAsync(async () => mutex.isHeldByThisThread)).toBe(true);
    await expect(mutex.withLockAsync(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(() => mutex.withLock(() => { throw new Error("bang"); })).toThrow("bang");
    expect(mutex.isLocked).toBe(false);
  });
});

describe("Mutex misuse", () => {
  const misuse = (message: RegExp) => expect.objectContaining({ name: "PardisError", code: "sync-misuse", message: expect.stringMatching(message) });

  test("unlocking a mutex nobody holds", () => {
    expect(() => new Mutex().unlock()).toThrow(misuse(/expected a locked mutex, but it is not locked/));
  });

  test("unlocking from a thread that does not hold it names both threads", async () => {
    const mutex = new Mutex();
    mutex.lock();
    const { result } = startWorker((_sync, { mutex }) => mutex.unlock(), { mutex });
    await expect(result).rejects.toMatchObject({ code: "sync-misuse", message: expect.stringMatching(/held by this thread \(thread \d+\), but it is held by thread 0/) });
    expect(mutex.isHeldByThisThread).toBe(true);
    mutex.unlock();
  });

  test("locking twice from one thread is a deadlock, reported instead of hanging", () => {
    const mutex = new Mutex();
    mutex.lock();
    expect(() => mutex.lock()).toThrow(expect.objectContaining({ code: "deadlock", message: expect.stringMatching(/already holds the mutex/) }));
    expect(mutex.tryLock()).toBe(false);
    expect(() => mutex.tryLock(10)).toThrow(PardisError);
    mutex.unlock();
  });

  test("wrong arguments say what was expected and what arrived", () => {
    expect(() => new Mutex(5 as never)).toThrow(new TypeError("new Mutex(options): expected an options object or nothing, got 5 (number)"));
    expect(() => new Mutex({ memory: {} as never })).toThrow(/expected options.memory to be a SyncMemory, got an object/);
    expect(() => new Mutex().tryLock("1" as never)).toThrow(TypeError);
    expect(() => new Mutex().tryLock(-1)).toThrow(misuse(/expected timeoutMs to be >= 0, got -1/));
    expect(() => Mutex.from({} as never)).toThrow(TypeError);
    const semaphore = new Semaphore(1);
    expect(() => Mutex.from({ ...structuredClone(semaphore), pardisSync: "Mutex" } as never)).toThrow(misuse(/hold a Semaphore, not a Mutex/));
    expect(() => Mutex.from(structuredClone(semaphore) as never)).toThrow(misuse(/expected a Mutex, got a Semaphore/));
  });
});

describe("Mutex as plain data", () => {
  test("its own enumerable state is a marker, a SharedArrayBuffer and an index; revived copies share the lock", () => {
    const mutex = new Mutex();
    const copy = structuredClone(mutex);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy).sort()).toEqual(["buffer", "index", "pardisSync"]);
    const revived = reviveShared(copy);
    expect(revived).toBeInstanceOf(Mutex);
    mutex.lock();
    expect(revived.isLocked).toBe(true);
    expect(revived.isHeldByThisThread).toBe(true); // same thread, same lock
    revived.unlock();
    expect(mutex.isLocked).toBe(false);
    expect(String(mutex)).toBe("Mutex(unlocked)");
  });
});
