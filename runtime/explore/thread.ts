/**
 * The `t` a thread body receives: turns each call into an operation request
 * to the run, after checking its arguments (a bad argument fails the run with
 * kind "misuse", naming what was expected and what arrived).
 */
import type { MemoryLayout } from "./memory.js";
import type { AtomicFn, Op } from "./ops.js";
import type { Run } from "./run.js";
import type { CellRef, VirtualAtomics, VirtualThread, WaitResult } from "./types.js";

export function createThread(run: Run, id: number, threadCount: number, layout: MemoryLayout): VirtualThread {
  const cell = (addr: CellRef, what: string): number | undefined => {
    try {
      return layout.resolve(addr);
    } catch (error) {
      void run.misuse(id, `${what}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const int = (value: unknown, what: string): number | undefined => {
    if (typeof value === "number") return value | 0;
    void run.misuse(id, `${what} expects a number, got \`${String(value)}\` (${typeof value})`);
    return undefined;
  };
  const name = (value: unknown, what: string): value is string => {
    if (typeof value === "string") return true;
    void run.misuse(id, `${what} expects a name (string), got \`${String(value)}\` (${typeof value})`);
    return false;
  };

  const atomic = (fn: AtomicFn, addr: CellRef, value: unknown = 0, replacement: unknown = 0): Promise<number> => {
    const what = `t.atomic.${fn}`;
    const at = cell(addr, what);
    const v = int(value, what);
    const r = int(replacement, what);
    if (at === undefined || v === undefined || r === undefined) return run.misuse(id, what);
    return run.request<number>(id, { kind: "atomic", fn, cell: at, value: v, replacement: r });
  };

  const atomics: VirtualAtomics = {
    load: (addr) => atomic("load", addr),
    store: (addr, value) => atomic("store", addr, value),
    add: (addr, value) => atomic("add", addr, value),
    sub: (addr, value) => atomic("sub", addr, value),
    and: (addr, value) => atomic("and", addr, value),
    or: (addr, value) => atomic("or", addr, value),
    xor: (addr, value) => atomic("xor", addr, value),
    exchange: (addr, value) => atomic("exchange", addr, value),
    compareExchange: (addr, expected, replacement) => atomic("compareExchange", addr, expected, replacement),
  };

  const request = <T>(op: Op | undefined, what: string): Promise<T> => (op ? run.request<T>(id, op) : run.misuse(id, what));

  return {
    id,
    threadCount,
    mem: layout.addresses,
    atomic: atomics,
    load(addr) {
      const at = cell(addr, "t.load");
      return request<number>(at === undefined ? undefined : { kind: "load", cell: at }, "t.load");
    },
    store(addr, value) {
      const at = cell(addr, "t.store");
      const v = int(value, "t.store");
      return request<void>(at === undefined || v === undefined ? undefined : { kind: "store", cell: at, value: v }, "t.store");
    },
    wait(addr, expected, timeout = Infinity) {
      const at = cell(addr, "t.wait");
      const e = int(expected, "t.wait");
      if (typeof timeout !== "number") return run.misuse(id, `t.wait expects a timeout number, got \`${String(timeout)}\` (${typeof timeout})`);
      // Atomics.wait: NaN means forever, negative means zero.
      const t = Number.isNaN(timeout) ? Infinity : Math.max(0, timeout);
      return request<WaitResult>(at === undefined || e === undefined ? undefined : { kind: "wait", cell: at, expected: e, timeout: t }, "t.wait");
    },
    notify(addr, count = Infinity) {
      const at = cell(addr, "t.notify");
      if (typeof count !== "number" || Number.isNaN(count)) return run.misuse(id, `t.notify expects a count, got \`${String(count)}\` (${typeof count})`);
      return request<number>(at === undefined ? undefined : { kind: "notify", cell: at, count: Math.max(0, Math.floor(count)) }, "t.notify");
    },
    lock(mutex) {
      return name(mutex, "t.lock") ? run.request<void>(id, { kind: "lock", mutex }) : run.misuse(id, "t.lock");
    },
    unlock(mutex) {
      return name(mutex, "t.unlock") ? run.request<void>(id, { kind: "unlock", mutex }) : run.misuse(id, "t.unlock");
    },
    join(thread) {
      if (!Number.isInteger(thread) || thread < 0 || thread >= threadCount || thread === id) {
        return run.misuse(id, `t.join expects another thread's id from 0 to ${threadCount - 1}, got \`${String(thread)}\``);
      }
      return run.request<void>(id, { kind: "join", thread });
    },
    yield() {
      return run.request<void>(id, { kind: "yield" });
    },
    enter: (section) => run.marker(id, "enter", section),
    exit: (section) => run.marker(id, "exit", section),
    arrive: (barrier) => run.marker(id, "arrive", barrier),
    depart: (barrier) => run.marker(id, "depart", barrier),
    assert: (condition, message) => run.assertion(id, condition, message),
    note: (text) => run.note(id, text),
  };
}
