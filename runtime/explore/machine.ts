/**
 * The shared state of one run and what each operation does to it: the Int32
 * cells, the futex wait queues, the built-in mutexes, and the happens-before
 * bookkeeping of the race detector. It knows nothing of scheduling: the run
 * asks it to perform one operation of one thread at one step.
 */
import type { Finding } from "./finding.js";
import { HappensBefore, type Race } from "./happens-before.js";
import type { MemoryLayout } from "./memory.js";
import { applyAtomic, touch, type Footprint, type Op } from "./ops.js";
import type { Blocker } from "./stuck.js";

export type Performed =
  /** The operation completed: resume the thread with `result`, and the waiters a notify woke with "ok". */
  | { kind: "returned"; result: unknown; effectless: boolean; woken: readonly number[] }
  /** A wait whose cell held the expected value: the thread sleeps. */
  | { kind: "slept"; blocker: Blocker }
  /** The operation is a misuse (unlocking a mutex the thread does not hold). */
  | { kind: "refused"; finding: Finding };

const NOBODY: readonly number[] = [];

export class Machine {
  readonly memory: Int32Array;
  /** Counts changes of state (cells, locks, waiters, finished threads), so that a run can tell a spin from progress. */
  epoch = 0;
  private readonly hb: HappensBefore;
  private readonly waiters = new Map<number, number[]>();
  private readonly owners = new Map<string, number>();
  /** Per cell: the last notify, and the last step that changed the cell's value (for lost wake-ups, see stuck.ts). */
  private readonly lastNotify = new Map<number, { step: number; thread: number; woken: number }>();
  private readonly lastChange: Int32Array;

  constructor(
    threads: number,
    private readonly layout: MemoryLayout,
    private readonly onRace: (race: Race) => void,
  ) {
    this.memory = layout.initial.slice();
    this.lastChange = new Int32Array(this.memory.length);
    this.hb = new HappensBefore(threads, this.memory.length);
  }

  /** Whether a thread's requested operation can be performed now: a lock needs its mutex free, a join its target finished. */
  canPerform(op: Op, finished: (thread: number) => boolean): boolean {
    if (op.kind === "lock") return !this.owners.has(op.mutex);
    if (op.kind === "join") return finished(op.thread);
    return true;
  }

  owner(mutex: string): number | undefined {
    return this.owners.get(mutex);
  }

  perform(thread: number, op: Op, step: number, footprint: Footprint | undefined): Performed {
    switch (op.kind) {
      case "load": {
        touch(footprint, `m${op.cell}`, 1);
        this.race(this.hb.load(thread, op.cell, step));
        return returned(this.memory[op.cell]!, true);
      }
      case "store": {
        touch(footprint, `m${op.cell}`, 2);
        this.race(this.hb.store(thread, op.cell, step));
        this.write(op.cell, op.value, step);
        return returned(undefined, false);
      }
      case "atomic": {
        const old = this.memory[op.cell]!;
        const next = applyAtomic(op.fn, old, op.value, op.replacement);
        const writes = op.fn !== "load" && !(op.fn === "compareExchange" && old !== op.value);
        touch(footprint, `m${op.cell}`, writes ? 2 : 1);
        this.race(writes ? this.hb.atomicWrite(thread, op.cell, step) : this.hb.atomicRead(thread, op.cell, step));
        this.write(op.cell, next, step);
        return returned(op.fn === "store" ? op.value : old, next === old);
      }
      case "wait": {
        this.race(this.hb.atomicRead(thread, op.cell, step));
        const value = this.memory[op.cell]!;
        if (value !== op.expected || op.timeout <= 0) {
          touch(footprint, `m${op.cell}`, 1);
          return returned(value !== op.expected ? "not-equal" : "timed-out", true);
        }
        touch(footprint, `m${op.cell}`, 2);
        return { kind: "slept", blocker: this.sleep(thread, op.cell, op.expected, step) };
      }
      case "notify": {
        touch(footprint, `m${op.cell}`, 2);
        const woken = this.notify(thread, op.cell, op.count, step);
        return { kind: "returned", result: woken.length, effectless: false, woken };
      }
      case "lock": {
        touch(footprint, `l:${op.mutex}`, 2);
        this.owners.set(op.mutex, thread);
        this.epoch++;
        this.hb.lock(thread, op.mutex);
        return returned(undefined, false);
      }
      case "unlock": {
        touch(footprint, `l:${op.mutex}`, 2);
        const owner = this.owners.get(op.mutex);
        if (owner !== thread) {
          return {
            kind: "refused",
            finding: {
              kind: "misuse",
              message: `T${thread} unlocked ${op.mutex}, which ${owner === undefined ? "nobody holds" : `T${owner} holds`}`,
              step,
              threads: owner === undefined ? [thread] : [thread, owner],
              subject: op.mutex,
            },
          };
        }
        this.owners.delete(op.mutex);
        this.epoch++;
        this.hb.unlock(thread, op.mutex);
        return returned(undefined, false);
      }
      case "join": {
        touch(footprint, `t${op.thread}`, 1);
        this.hb.join(thread, op.thread);
        return returned(undefined, false);
      }
      case "yield":
        return returned(undefined, false);
    }
  }

  /** A sleeping thread's finite timeout elapses: it leaves the cell's queue. */
  timeOut(thread: number, cell: number, footprint: Footprint | undefined): void {
    touch(footprint, `m${cell}`, 2);
    const queue = this.waiters.get(cell)!;
    queue.splice(queue.indexOf(thread), 1);
    this.epoch++;
  }

  finish(thread: number, footprint: Footprint | undefined): void {
    touch(footprint, `t${thread}`, 2);
    this.hb.finish(thread);
    this.epoch++;
  }

  private write(cell: number, value: number, step: number): void {
    if (this.memory[cell] === value) return;
    this.memory[cell] = value;
    this.lastChange[cell] = step;
    this.epoch++;
  }

  private sleep(thread: number, cell: number, expected: number, step: number): Blocker {
    const queue = this.waiters.get(cell) ?? [];
    this.waiters.set(cell, queue);
    queue.push(thread);
    this.epoch++;
    const notified = this.lastNotify.get(cell);
    // A notify by the waiter itself was never meant for it.
    const lost = notified && notified.woken === 0 && notified.thread !== thread && this.lastChange[cell]! < notified.step;
    return {
      kind: "futex",
      cell: this.layout.names[cell]!,
      expected,
      since: step,
      ...(lost ? { lostNotify: { step: notified.step, thread: notified.thread } } : {}),
    };
  }

  /** Wakes up to `count` waiters of the cell, oldest first (Atomics.notify's order). */
  private notify(thread: number, cell: number, count: number, step: number): readonly number[] {
    const queue = this.waiters.get(cell);
    const woken = queue ? queue.splice(0, Math.min(count, queue.length)) : NOBODY;
    this.lastNotify.set(cell, { step, thread, woken: woken.length });
    if (woken.length === 0) return woken;
    for (const id of woken) this.hb.wake(thread, id);
    this.hb.released(thread);
    this.epoch++;
    return woken;
  }

  private race(race: Race | undefined): void {
    if (race) this.onRace(race);
  }
}

function returned(result: unknown, effectless: boolean): Performed {
  return { kind: "returned", result, effectless, woken: NOBODY };
}
