/**
 * Where each primitive keeps its state in shared memory: Int32 slots, offsets
 * relative to the primitive's first slot. Every primitive starts with a tag slot
 * naming its kind, so attaching to memory that holds something else (a Mutex
 * handle pointed at a Semaphore's slots) fails loudly instead of corrupting it.
 *
 * The primitives and anything that inspects them from outside (tests, the race
 * detector) read these constants; nobody hard-codes an offset.
 */
export type SyncKind = "SyncMemory" | "Mutex" | "Semaphore" | "Barrier" | "CondVar" | "Latch" | "AtomicCounter";

/** The tag slot's value per kind: "pS" in the high half so a stray zero or small integer never matches. */
export const KIND_TAG: Readonly<Record<SyncKind, number>> = {
  SyncMemory: 0x7053_0001,
  Mutex: 0x7053_0002,
  Semaphore: 0x7053_0003,
  Barrier: 0x7053_0004,
  CondVar: 0x7053_0005,
  Latch: 0x7053_0006,
  AtomicCounter: 0x7053_0007,
};

/** Offset 0 of every primitive. */
export const TAG = 0;

/** A bump allocator over one SharedArrayBuffer: [tag, next free slot, capacity in slots]. */
export const MEMORY = { next: 1, capacity: 2, slots: 3 } as const;

/**
 * Drepper's mutex ("Futexes are tricky", mutex 2): state is 0 unlocked, 1 locked
 * with nobody waiting, 2 locked and someone may be asleep. owner is the holder's
 * threadId + 1 (0 = nobody), written only by the holder.
 */
export const MUTEX = { state: 1, owner: 2, slots: 3 } as const;
export const UNLOCKED = 0;
export const LOCKED = 1;
export const CONTENDED = 2;

/** permits available; waiters (all) and bulkWaiters (those asking for more than one permit) gate the wake-ups. */
export const SEMAPHORE = { permits: 1, waiters: 2, bulkWaiters: 3, slots: 4 } as const;

/**
 * phase packs the generation (bits 16..30) and the arrivals in this generation
 * (bits 0..15) into one word, so arriving, tripping and withdrawing after a
 * timeout are each a single compareExchange: no arrival can be counted in the
 * wrong generation.
 */
export const BARRIER = { parties: 1, phase: 2, slots: 3 } as const;
export const BARRIER_ARRIVALS_MASK = 0xffff;
export const BARRIER_GENERATION_SHIFT = 16;
export const BARRIER_GENERATION_MASK = 0x7fff;
export const BARRIER_PARTIES_MAX = 0xffff;

/** sequence changes on every notify (futex-style condition variable); waiters lets notify skip the wake-up call when nobody sleeps. */
export const CONDVAR = { sequence: 1, waiters: 2, slots: 3 } as const;

/** count left before the latch opens. */
export const LATCH = { count: 1, slots: 2 } as const;

/** value; waiters lets add() skip the wake-up call unless someone sleeps in waitUntil. */
export const COUNTER = { value: 1, waiters: 2, slots: 3 } as const;

/** Slots each kind occupies, for sizing a SyncMemory. */
export const SYNC_SLOTS: Readonly<Record<Exclude<SyncKind, "SyncMemory">, number>> = {
  Mutex: MUTEX.slots,
  Semaphore: SEMAPHORE.slots,
  Barrier: BARRIER.slots,
  CondVar: CONDVAR.slots,
  Latch: LATCH.slots,
  AtomicCounter: COUNTER.slots,
};

/**
 * Loads a contended lock spins before it sleeps. A sleep and its wake-up cost
 * ~27 us on the reference machine, a lock hand-off between running threads
 * ~0.1 us; a short spin catches a holder that is about to unlock without burning
 * a core when the holder was descheduled (runtime-anchors.md, section 2).
 */
export const SPIN_LOADS = 100;
