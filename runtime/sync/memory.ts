/**
 * Where primitives live. Each primitive is a few Int32 slots in a
 * SharedArrayBuffer; its only own enumerable state is the handle below, plain
 * data that survives structured clone (postMessage, piscina task arguments),
 * so a copy in another thread reaches the same slots. A SyncMemory lets many
 * primitives share one buffer.
 */
import { KIND_TAG, MEMORY, TAG, type SyncKind } from "./layout.js";
import { checkCount, checkOptions, describe, misuse } from "./checks.js";

/** What a primitive is after structured clone: its kind, its buffer and the index of its first Int32 slot. */
export interface SharedHandle<K extends SyncKind = SyncKind> {
  readonly pardisSync: K;
  readonly buffer: SharedArrayBuffer;
  readonly index: number;
}

export interface PlacementOptions {
  /** Allocate the primitive's slots in this shared memory instead of a buffer of its own. */
  memory?: SyncMemory;
}

/** The slots a primitive was given: its buffer, its first slot, and an Int32 view of the whole buffer. */
export interface Slots {
  buffer: SharedArrayBuffer;
  index: number;
  cells: Int32Array;
}

/**
 * Internal: passed to a constructor instead of options to attach to existing
 * slots without initializing them. Not exported from the package, so only
 * `X.from()` and `reviveShared` can build it.
 */
export class Attach {
  constructor(readonly slots: Slots) {}
}

export function isHandleShaped(value: unknown): value is SharedHandle {
  if (typeof value !== "object" || value === null) return false;
  const handle = value as Partial<SharedHandle>;
  return typeof handle.pardisSync === "string" && handle.buffer instanceof SharedArrayBuffer && typeof handle.index === "number";
}

/** Checks that `handle` names live slots of `kind` and returns them; the tag slot must carry the kind's tag. */
export function attach(kind: SyncKind, slotCount: number, handle: unknown, where: string): Slots {
  if (!isHandleShaped(handle)) {
    throw new TypeError(
      `${where}: expected a ${kind} or its structured clone ({ pardisSync: "${kind}", buffer: SharedArrayBuffer, index }), got ${describe(handle)}`,
    );
  }
  if (handle.pardisSync !== kind) throw misuse(`${where}: expected a ${kind}, got a ${handle.pardisSync}`);
  const cells = new Int32Array(handle.buffer);
  const { index } = handle;
  if (!Number.isInteger(index) || index < 0 || index + slotCount > cells.length) {
    throw misuse(`${where}: index ${index} with ${slotCount} slots does not fit a buffer of ${cells.length} Int32 slots`);
  }
  const tag = Atomics.load(cells, index + TAG);
  if (tag !== KIND_TAG[kind]) {
    const found = (Object.keys(KIND_TAG) as SyncKind[]).find((k) => KIND_TAG[k] === tag);
    throw misuse(`${where}: the slots at index ${index} hold ${found ? `a ${found}` : "no primitive"}, not a ${kind}`);
  }
  return { buffer: handle.buffer, index, cells };
}

/**
 * Finds room for a new primitive: in `options.memory` when given, otherwise in
 * a buffer of its own, and tags the slots with the kind. The caller then
 * initializes the rest; nobody can attach before the primitive is handed over.
 */
export function allocate(kind: Exclude<SyncKind, "SyncMemory">, slotCount: number, where: string, options: unknown): Slots {
  const { memory } = checkOptions(where, options) as PlacementOptions;
  let slots: Slots;
  if (memory === undefined) {
    const buffer = new SharedArrayBuffer(slotCount * Int32Array.BYTES_PER_ELEMENT);
    slots = { buffer, index: 0, cells: new Int32Array(buffer) };
  } else if (memory instanceof SyncMemory) {
    slots = { buffer: memory.buffer, index: memory.allocate(slotCount), cells: cellsOf(memory) };
  } else {
    throw new TypeError(
      `${where}: expected options.memory to be a SyncMemory, got ${describe(memory)}` +
        (isHandleShaped(memory) ? " (a structured clone: pass it through reviveShared first)" : ""),
    );
  }
  Atomics.store(slots.cells, slots.index + TAG, KIND_TAG[kind]);
  return slots;
}

/** The Int32 view of a SyncMemory's buffer, for the primitives allocated in it; set by the class below. */
let cellsOf: (memory: SyncMemory) => Int32Array;

/**
 * One SharedArrayBuffer shared by many primitives, so a whole set (a mutex,
 * two condition variables, a counter) crosses postMessage as one buffer and
 * sits in a few cache lines.
 *
 * Invariant: `next` only grows, by compareExchange, and never passes
 * `capacity`; so allocations from any thread holding a copy are disjoint.
 */
export class SyncMemory implements SharedHandle<"SyncMemory"> {
  readonly pardisSync = "SyncMemory" as const;
  readonly buffer: SharedArrayBuffer;
  readonly index: number;
  readonly #cells: Int32Array;

  /** @param slots Int32 slots for primitives (see SYNC_SLOTS for each kind's size). @default 256 */
  constructor(slots?: number);
  constructor(slots: number | Attach = 256) {
    if (slots instanceof Attach) {
      ({ buffer: this.buffer, index: this.index, cells: this.#cells } = slots.slots);
      return;
    }
    checkCount("new SyncMemory(slots)", "slots", slots, 1, 0x0fff_ffff);
    const capacity = MEMORY.slots + slots;
    this.buffer = new SharedArrayBuffer(capacity * Int32Array.BYTES_PER_ELEMENT);
    this.index = 0;
    this.#cells = new Int32Array(this.buffer);
    Atomics.store(this.#cells, MEMORY.next, MEMORY.slots);
    Atomics.store(this.#cells, MEMORY.capacity, capacity);
    Atomics.store(this.#cells, TAG, KIND_TAG.SyncMemory);
  }

  /** Attaches to a SyncMemory that crossed postMessage (or returns a new handle on the same memory). */
  static from(handle: SharedHandle<"SyncMemory">): SyncMemory {
    return new SyncMemory(new Attach(attach("SyncMemory", MEMORY.slots, handle, "SyncMemory.from")) as never);
  }

  static {
    cellsOf = (memory) => memory.#cells;
  }

  /** Total Int32 slots, header included. */
  get capacity(): number {
    return Atomics.load(this.#cells, MEMORY.capacity);
  }

  /** Slots handed out so far, header included. */
  get used(): number {
    return Atomics.load(this.#cells, MEMORY.next);
  }

  /** Reserves `slots` consecutive zeroed Int32 slots and returns the index of the first. */
  allocate(slots: number): number {
    checkCount("SyncMemory.allocate", "slots", slots, 1);
    const capacity = this.capacity;
    for (;;) {
      const next = Atomics.load(this.#cells, MEMORY.next);
      if (next + slots > capacity) {
        throw misuse(
          `SyncMemory is full: ${slots} slots requested, ${capacity - next} of ${capacity - MEMORY.slots} left; create it with more slots`,
        );
      }
      if (Atomics.compareExchange(this.#cells, MEMORY.next, next, next + slots) === next) return next;
    }
  }

  toString(): string {
    return `SyncMemory(${this.used - MEMORY.slots} of ${this.capacity - MEMORY.slots} slots used)`;
  }
}
