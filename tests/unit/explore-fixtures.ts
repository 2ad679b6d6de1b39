/**
 * Synchronisation primitives written the way a learner writes them: on
 * t.atomic.* and t.wait/t.notify over cells of shared memory, each in a
 * correct version and a known-wrong one. The explorer tests run programs built
 * from these; nothing here knows about the explorer's internals.
 */
import { defineSharedProgram, type CellRef, type SharedProgram, type VirtualThread } from "../../runtime/explore/index.js";

// ---- mutex ------------------------------------------------------------------------------

/** Drepper's futex mutex ("Futexes are tricky", mutex2): 0 free, 1 locked, 2 locked with waiters. */
export function futexMutex(word: CellRef) {
  return {
    async lock(t: VirtualThread): Promise<void> {
      let c = await t.atomic.compareExchange(word, 0, 1);
      if (c === 0) return;
      if (c !== 2) c = await t.atomic.exchange(word, 2);
      while (c !== 0) {
        await t.wait(word, 2);
        c = await t.atomic.exchange(word, 2);
      }
    },
    async unlock(t: VirtualThread): Promise<void> {
      if ((await t.atomic.sub(word, 1)) !== 1) {
        await t.atomic.store(word, 0);
        await t.notify(word, 1);
      }
    },
  };
}

/** Test-and-set spin lock: correct, but only fair because the explorer notices the spin. */
export function spinLock(word: CellRef) {
  return {
    async lock(t: VirtualThread): Promise<void> {
      while ((await t.atomic.exchange(word, 1)) === 1) {
        // spin
      }
    },
    async unlock(t: VirtualThread): Promise<void> {
      await t.atomic.store(word, 0);
    },
  };
}

// ---- counters ---------------------------------------------------------------------------

export function racyCounter(threads = 2, increments = 1): SharedProgram<{ counter: number }> {
  return defineSharedProgram({
    name: "racy counter",
    memory: { counter: 0 },
    threads: Array.from({ length: threads }, () => async (t: VirtualThread<{ counter: number }>) => {
      for (let i = 0; i < increments; i++) {
        const v = await t.load(t.mem.counter);
        await t.store(t.mem.counter, v + 1);
      }
    }),
    check: (m) => m.counter === threads * increments || `counter is ${m.counter}, expected ${threads * increments}`,
  });
}

export function atomicCounter(threads = 2, increments = 1): SharedProgram<{ counter: number }> {
  return defineSharedProgram({
    name: "atomic counter",
    memory: { counter: 0 },
    threads: Array.from({ length: threads }, () => async (t: VirtualThread<{ counter: number }>) => {
      for (let i = 0; i < increments; i++) await t.atomic.add(t.mem.counter, 1);
    }),
    check: (m) => m.counter === threads * increments || `counter is ${m.counter}, expected ${threads * increments}`,
  });
}

/** A plain counter behind the learner's futex mutex: no race, no lost update. */
export function mutexCounter(threads = 2, increments = 1) {
  const mutex = futexMutex("lock");
  return defineSharedProgram({
    name: "mutex counter",
    memory: { lock: 0, counter: 0 },
    threads: Array.from({ length: threads }, () => async (t: VirtualThread<{ lock: number; counter: number }>) => {
      for (let i = 0; i < increments; i++) {
        await mutex.lock(t);
        t.enter("cs");
        await t.store("counter", (await t.load("counter")) + 1);
        t.exit("cs");
        await mutex.unlock(t);
      }
    }),
    check: (m) => m.counter === threads * increments || `counter is ${m.counter}`,
  });
}

// ---- lock order -------------------------------------------------------------------------

/** Two threads take two built-in mutexes, in opposite orders unless `consistent`. */
export function lockOrder(consistent: boolean) {
  const body = (first: string, second: string) => async (t: VirtualThread) => {
    await t.lock(first);
    await t.lock(second);
    await t.store("shared", (await t.load("shared")) + 1);
    await t.unlock(second);
    await t.unlock(first);
  };
  return defineSharedProgram({
    name: consistent ? "consistent lock order" : "opposite lock orders",
    memory: { shared: 0 },
    threads: [body("a", "b"), consistent ? body("a", "b") : body("b", "a")],
    check: (m) => m.shared === 2,
  });
}

/** The same with the learner's futex mutexes: the deadlock is every thread asleep in wait. */
export function futexLockOrder(consistent: boolean) {
  const a = futexMutex("a");
  const b = futexMutex("b");
  const body = (first: typeof a, second: typeof a) => async (t: VirtualThread) => {
    await first.lock(t);
    await second.lock(t);
    await second.unlock(t);
    await first.unlock(t);
  };
  return defineSharedProgram({
    name: consistent ? "futex mutexes, one order" : "futex mutexes, opposite orders",
    memory: { a: 0, b: 0 },
    threads: [body(a, b), consistent ? body(a, b) : body(b, a)],
  });
}

// ---- semaphore --------------------------------------------------------------------------

/** Counting semaphore: the permit count is the futex word. */
export function casSemaphore(permits: CellRef) {
  return {
    async acquire(t: VirtualThread): Promise<void> {
      for (;;) {
        const n = await t.atomic.load(permits);
        if (n > 0) {
          if ((await t.atomic.compareExchange(permits, n, n - 1)) === n) return;
          continue;
        }
        await t.wait(permits, 0);
      }
    },
    async release(t: VirtualThread): Promise<void> {
      await t.atomic.add(permits, 1);
      await t.notify(permits, 1);
    },
  };
}

/** Known wrong: checks that a permit is left, then takes it in a separate step (check-then-act). */
export function checkThenDecrementSemaphore(permits: CellRef) {
  return {
    async acquire(t: VirtualThread): Promise<void> {
      for (;;) {
        const n = await t.atomic.load(permits);
        if (n > 0) {
          await t.atomic.sub(permits, 1);
          return;
        }
        await t.wait(permits, n);
      }
    },
    release: casSemaphore(permits).release,
  };
}

export function semaphoreProgram(kind: "cas" | "check-then-decrement", threads = 3, permits = 2) {
  const semaphore = kind === "cas" ? casSemaphore("permits") : checkThenDecrementSemaphore("permits");
  return defineSharedProgram({
    name: `${kind} semaphore, ${threads} threads, ${permits} permits`,
    memory: { permits },
    sections: { pool: permits },
    threads: Array.from({ length: threads }, () => async (t: VirtualThread) => {
      await semaphore.acquire(t);
      t.enter("pool");
      await t.yield();
      t.exit("pool");
      await semaphore.release(t);
    }),
    check: (m) => m.permits === permits || `permits ${m.permits}, expected ${permits} back`,
  });
}

// ---- barrier ----------------------------------------------------------------------------

/** Reusable barrier with a generation number: read the generation before arriving, sleep until it moves. */
export function generationBarrier(parties: number) {
  return {
    async wait(t: VirtualThread): Promise<void> {
      const generation = await t.atomic.load("generation");
      const arrived = (await t.atomic.add("count", 1)) + 1;
      if (arrived === parties) {
        // Reset before releasing: nobody can arrive at the next phase before the generation moves.
        await t.atomic.store("count", 0);
        await t.atomic.add("generation", 1);
        await t.notify("generation");
        return;
      }
      while ((await t.atomic.load("generation")) === generation) await t.wait("generation", generation);
    },
  };
}

/**
 * Known wrong: a gate the first arriver of each phase closes and the last one
 * opens. The second arriver of phase 1 can look at the gate before the first
 * arriver has closed it, find it still open from phase 0, and walk through.
 */
export function gateBarrier(parties: number) {
  return {
    async wait(t: VirtualThread): Promise<void> {
      const arrived = (await t.atomic.add("count", 1)) + 1;
      if (arrived === 1) await t.atomic.store("gate", 0);
      if (arrived === parties) {
        await t.atomic.store("count", 0);
        await t.atomic.store("gate", 1);
        await t.notify("gate");
        return;
      }
      while ((await t.atomic.load("gate")) === 0) await t.wait("gate", 0);
    },
  };
}

/** Known wrong: a one-shot barrier (a flag that is never reset) used for several phases. */
export function oneShotBarrier(parties: number) {
  return {
    async wait(t: VirtualThread): Promise<void> {
      const arrived = (await t.atomic.add("count", 1)) + 1;
      if (arrived === parties) {
        await t.atomic.store("gate", 1);
        await t.notify("gate");
        return;
      }
      while ((await t.atomic.load("gate")) === 0) await t.wait("gate", 0);
    },
  };
}

export function barrierProgram(kind: "generation" | "gate" | "one-shot", parties = 3, phases = 2) {
  const barrier = kind === "generation" ? generationBarrier(parties) : kind === "gate" ? gateBarrier(parties) : oneShotBarrier(parties);
  return defineSharedProgram({
    name: `${kind} barrier, ${parties} threads, ${phases} phases`,
    memory: { count: 0, generation: 0, gate: 0 },
    barriers: { b: parties },
    threads: Array.from({ length: parties }, () => async (t: VirtualThread) => {
      for (let phase = 0; phase < phases; phase++) {
        t.arrive("b");
        await barrier.wait(t);
        t.depart("b");
      }
    }),
  });
}

// ---- condition variable -----------------------------------------------------------------

/** Futex condition variable with a sequence counter: read it while holding the mutex, sleep only if it has not moved. */
export function seqCondVar(seq: CellRef) {
  return {
    async wait(t: VirtualThread, mutex: string): Promise<void> {
      const observed = await t.atomic.load(seq);
      await t.unlock(mutex);
      await t.wait(seq, observed);
      await t.lock(mutex);
    },
    async signal(t: VirtualThread): Promise<void> {
      await t.atomic.add(seq, 1);
      await t.notify(seq, 1);
    },
  };
}

/** Known wrong: sleeps on a cell that never changes, so a signal sent between unlock and wait is lost. */
export function constantCondVar(cell: CellRef) {
  return {
    async wait(t: VirtualThread, mutex: string): Promise<void> {
      await t.unlock(mutex);
      await t.wait(cell, 0);
      await t.lock(mutex);
    },
    async signal(t: VirtualThread): Promise<void> {
      await t.notify(cell, 1);
    },
  };
}

/** Known wrong: has a sequence counter but reads it after unlocking, which reopens the same window. */
export function lateSeqCondVar(seq: CellRef) {
  return {
    async wait(t: VirtualThread, mutex: string): Promise<void> {
      await t.unlock(mutex);
      const observed = await t.atomic.load(seq);
      await t.wait(seq, observed);
      await t.lock(mutex);
    },
    signal: seqCondVar(seq).signal,
  };
}

/** One waiter waits for `ready` under mutex m; one signaller sets it and signals. */
export function condVarProgram(kind: "seq" | "constant" | "late-seq") {
  const cv = kind === "seq" ? seqCondVar("seq") : kind === "constant" ? constantCondVar("seq") : lateSeqCondVar("seq");
  return defineSharedProgram({
    name: `${kind} condition variable`,
    memory: { ready: 0, seq: 0, seen: 0 },
    threads: [
      async (t) => {
        await t.lock("m");
        while ((await t.load("ready")) === 0) await cv.wait(t, "m");
        await t.store("seen", 1);
        await t.unlock("m");
      },
      async (t) => {
        await t.lock("m");
        await t.store("ready", 1);
        await t.unlock("m");
        await cv.signal(t);
      },
    ],
    check: (m) => m.seen === 1,
  });
}
