/**
 * Shared arrays, SyncMemory and reviveShared: primitives cross postMessage as
 * plain data and come back as working instances on the same memory.
 */
import { runInNewContext } from "node:vm";
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import {
  AtomicCounter,
  Barrier,
  CondVar,
  Latch,
  Mutex,
  Semaphore,
  SYNC_SLOTS,
  SyncMemory,
  isShared,
  reviveShared,
  sharedArray,
} from "../../runtime/sync/index.js";
import { assertBuilt, startWorker, stopWorkers } from "./sync-workers.js";

vi.setConfig({ testTimeout: 30_000 });
beforeAll(assertBuilt);
afterEach(stopWorkers);

/** Whether two SharedArrayBuffer objects (a structured clone gives a new object) are views of the same memory. */
function sameMemory(a: SharedArrayBuffer, b: SharedArrayBuffer): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  const last = x.length - 1;
  const before = x[last]!;
  x[last] = before ^ 0xff;
  const same = y[last] === x[last];
  x[last] = before;
  return same;
}

const misuse = (message: RegExp) => expect.objectContaining({ code: "sync-misuse", message: expect.stringMatching(message) });

describe("sharedArray", () => {
  test("zero-filled or copied typed arrays over a SharedArrayBuffer; a worker writes into the same memory", async () => {
    const ints = sharedArray(Int32Array, 4);
    const floats = sharedArray(Float64Array, [1.5, 2.5]);
    const bigs = sharedArray(BigInt64Array, [1n, 2n]);
    expect(ints).toBeInstanceOf(Int32Array);
    expect(Array.from(ints)).toEqual([0, 0, 0, 0]);
    expect(Array.from(floats)).toEqual([1.5, 2.5]);
    expect(bigs[1]).toBe(2n);
    expect([ints, floats, bigs].every(isShared)).toBe(true);
    expect(isShared(new Int32Array(2))).toBe(false);
    expect(sameMemory(ints.buffer as SharedArrayBuffer, structuredClone(ints).buffer as SharedArrayBuffer)).toBe(true);
    expect(sameMemory(ints.buffer as SharedArrayBuffer, sharedArray(Int32Array, 4).buffer as SharedArrayBuffer)).toBe(false);
    const { result } = startWorker((_sync, { floats }) => {
      floats[0] = floats[0]! * 2;
    }, { floats });
    await result;
    expect(floats[0]).toBe(3);
  });

  test("wrong constructor or length", () => {
    expect(() => sharedArray(Array as never, 2)).toThrow(new TypeError("sharedArray: expected a typed array constructor such as Int32Array or Float64Array, got a function Array"));
    expect(() => sharedArray(Int32Array, -1)).toThrow(misuse(/expected the length to be a non-negative integer, got -1/));
    expect(() => sharedArray(Int32Array, "3" as never)).toThrow(TypeError);
  });
});

describe("SyncMemory", () => {
  test("several primitives share one buffer in disjoint slots; allocation from a worker does not overlap", async () => {
    const memory = new SyncMemory(64);
    const mutex = new Mutex({ memory });
    const semaphore = new Semaphore(2, { memory });
    const counter = new AtomicCounter(5, { memory });
    expect(new Set([mutex.buffer, semaphore.buffer, counter.buffer, memory.buffer]).size).toBe(1);
    expect(semaphore.index).toBe(mutex.index + SYNC_SLOTS.Mutex);
    expect(counter.index).toBe(semaphore.index + SYNC_SLOTS.Semaphore);
    const { result } = startWorker((sync, { memory }) => {
      const latch = new sync.Latch(1, { memory });
      return latch; // comes back as plain data
    }, { memory });
    const latch = reviveShared(await result);
    expect(latch).toBeInstanceOf(Latch);
    expect(sameMemory(latch.buffer, memory.buffer)).toBe(true);
    expect(latch.index).toBe(counter.index + SYNC_SLOTS.AtomicCounter);
    latch.countDown();
    expect(latch.isOpen).toBe(true);
    expect(counter.value).toBe(5);
    expect(semaphore.available).toBe(2);
    expect(String(memory)).toBe(`SyncMemory(${SYNC_SLOTS.Mutex + SYNC_SLOTS.Semaphore + SYNC_SLOTS.AtomicCounter + SYNC_SLOTS.Latch} of 64 slots used)`);
  });

  test("a full memory says so; options.memory must be a revived SyncMemory", () => {
    const memory = new SyncMemory(4);
    new Mutex({ memory });
    expect(() => new Semaphore(1, { memory })).toThrow(misuse(/SyncMemory is full: 4 slots requested, 1 of 4 left/));
    expect(() => new Mutex({ memory: structuredClone(memory) as never })).toThrow(/pass it through reviveShared first/);
    expect(() => new SyncMemory(0)).toThrow(misuse(/slots/));
  });
});

describe("reviveShared", () => {
  test("a structured clone of each kind comes back as an instance on the same slots", () => {
    const originals = [new Mutex(), new Semaphore(3), new Barrier(2), new CondVar(), new Latch(2), new AtomicCounter(9), new SyncMemory(8)];
    const revived = reviveShared(structuredClone(originals));
    revived.forEach((value, i) => {
      expect(value).toBeInstanceOf(originals[i]!.constructor);
      expect(sameMemory(value.buffer, originals[i]!.buffer)).toBe(true);
      expect(value.index).toBe(originals[i]!.index);
    });
    (revived[4] as Latch).countDown();
    expect((originals[4] as Latch).count).toBe(1);
    expect((revived[5] as AtomicCounter).value).toBe(9);
  });

  test("walks arrays and plain objects in place, keeps shared references and cycles, leaves other objects alone", () => {
    const mutex = new Mutex();
    const ints = sharedArray(Int32Array, 2);
    const map = new Map([["m", mutex]]);
    const original = { jobs: [{ lock: mutex, again: mutex }], ints, map, when: new Date(0), n: 1, s: "x", nothing: null };
    const copy = structuredClone(original) as typeof original & { self?: unknown };
    copy.self = copy;
    const revived = reviveShared(copy);
    expect(revived).toBe(copy);
    expect(revived.jobs[0]!.lock).toBeInstanceOf(Mutex);
    expect(revived.jobs[0]!.again).toBeInstanceOf(Mutex);
    expect(sameMemory(revived.ints.buffer as SharedArrayBuffer, ints.buffer as SharedArrayBuffer)).toBe(true);
    expect(revived.map.get("m")).not.toBeInstanceOf(Mutex); // Maps are not searched
    expect(revived.when).toBeInstanceOf(Date);
    expect(revived.self).toBe(revived);
    expect(reviveShared(revived)).toBe(revived); // idempotent
    const top = reviveShared(structuredClone(mutex));
    expect(top).toBeInstanceOf(Mutex);
    expect(reviveShared(mutex)).toBe(mutex);
    expect(reviveShared(42)).toBe(42);
  });

  test("objects from another realm (a vm context) count as plain", () => {
    const handle = runInNewContext("({ inner: { mutex: clone } })", { clone: structuredClone(new Mutex()) }) as { inner: { mutex: unknown } };
    expect(reviveShared(handle).inner.mutex).toBeInstanceOf(Mutex);
  });

  test("stops at the depth bound", () => {
    let nested: unknown = structuredClone(new Mutex());
    for (let i = 0; i < 10; i++) nested = [nested];
    const revived = reviveShared(structuredClone(nested), 10) as unknown[];
    let deepest: unknown = revived;
    for (let i = 0; i < 10; i++) deepest = (deepest as unknown[])[0];
    expect(deepest).toBeInstanceOf(Mutex);
    let shallow: unknown = reviveShared(structuredClone(nested)); // default depth 8 < 10
    for (let i = 0; i < 10; i++) shallow = (shallow as unknown[])[0];
    expect(shallow).not.toBeInstanceOf(Mutex);
  });

  test("unknown kinds and mislabeled slots are misuse", () => {
    const fake = { pardisSync: "Spinlock", buffer: new SharedArrayBuffer(8), index: 0 };
    expect(() => reviveShared({ fake })).toThrow(misuse(/unknown shared primitive kind "Spinlock"; expected one of SyncMemory, Mutex/));
    expect(() => reviveShared({ ...structuredClone(new Latch(1, { memory: new SyncMemory(8) })), pardisSync: "Barrier" })).toThrow(misuse(/hold a Latch, not a Barrier/));
    expect(() => reviveShared({ pardisSync: "Mutex", buffer: new SharedArrayBuffer(4), index: 0 })).toThrow(misuse(/does not fit a buffer of 1 Int32 slots/));
    expect(() => reviveShared({ pardisSync: "toString", buffer: new SharedArrayBuffer(12), index: 0 })).toThrow(misuse(/unknown shared primitive kind/));
  });

  test("a round trip through a worker: it locks the revived mutex and sends it back; the main thread sees the worker hold it", async () => {
    const data = { tools: { mutex: new Mutex(), turnstile: [new Semaphore(0)] } };
    const { result } = startWorker((_sync, { tools }) => {
      tools.mutex.lock();
      tools.turnstile[0]!.release(2);
      return { tools, kind: tools.mutex.constructor.name, thread: String(tools.mutex) };
    }, data);
    const back = reviveShared(await result);
    expect(back.kind).toBe("Mutex");
    expect(back.tools.mutex.isLocked).toBe(true);
    expect(back.tools.mutex.isHeldByThisThread).toBe(false);
    expect(data.tools.mutex.isLocked).toBe(true);
    expect(back.thread).toMatch(/^Mutex\(locked by thread \d+\)$/);
    expect(data.tools.turnstile[0]!.available).toBe(2);
    expect(() => data.tools.mutex.unlock()).toThrow(misuse(/held by thread \d+/));
  });
});
