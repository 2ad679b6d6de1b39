/**
 * A node process's timers (node.setTimer, node.every, RPC timeouts) on one
 * Node timer. Every RPC arms a timeout and nearly every one is cancelled by
 * its reply; through setTimeout/clearTimeout that is a Timeout object, a
 * timer list created and deleted, a libuv timer re-armed and, for a numeric
 * handle, an entry added to and deleted from Node's table of known timers, per
 * request (all of it in a round trip's profile). Here a timer is an entry in a
 * binary heap ordered by (deadline, order of scheduling), a cancel only
 * forgets the entry's callback, and the one Node timer is re-armed only when a
 * new deadline comes before the one it is armed for.
 *
 * As with setTimeout: timers due at the same time fire in the order they were
 * scheduled, and a timer scheduled while others fire (even with delay 0) waits
 * for the next pass, so a zero-delay loop cannot starve the sockets.
 */
export interface TimerClock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Calls `fire` once after about `delayMs`; returns what `disarm` takes. */
  arm(delayMs: number, fire: () => void): unknown;
  disarm(armed: unknown): void;
}

export const nodeTimerClock: TimerClock = {
  now: () => performance.now(),
  arm: (delayMs, fire) => setTimeout(fire, delayMs),
  disarm: (armed) => clearTimeout(armed as NodeJS.Timeout),
};

/** Cancelled entries stay in the heap until they reach its top; past this many (and more than the live ones) the heap is rebuilt without them. */
const COMPACT_AT = 1024;

export class TimerQueue {
  // The heap, as parallel arrays: deadline, scheduling order, handle.
  #at: number[] = [];
  #order: number[] = [];
  #handle: number[] = [];
  /** Live timers by handle; a cancelled or fired timer is no longer here. */
  readonly #callbacks = new Map<number, () => void>();
  #nextHandle = 1;
  #nextOrder = 0;
  #armed: unknown = undefined;
  #armedAt = Infinity;
  readonly #onFire = (): void => this.#fireDue();

  /** `onError` hears what a callback threw; the other timers still fire. */
  constructor(
    private readonly clock: TimerClock,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Number of live timers. */
  get size(): number {
    return this.#callbacks.size;
  }

  schedule(delayMs: number, fire: () => void): number {
    const handle = this.#nextHandle++;
    const at = this.clock.now() + Math.max(0, delayMs);
    this.#callbacks.set(handle, fire);
    this.#push(at, this.#nextOrder++, handle);
    if (at < this.#armedAt) this.#arm(at);
    return handle;
  }

  cancel(handle: number): void {
    if (!this.#callbacks.delete(handle)) return;
    if (this.#at.length > COMPACT_AT && this.#at.length > 2 * this.#callbacks.size) this.#compact();
  }

  #arm(at: number): void {
    if (this.#armed !== undefined) this.clock.disarm(this.#armed);
    this.#armedAt = at;
    this.#armed = this.clock.arm(Math.max(0, at - this.clock.now()), this.#onFire);
  }

  #fireDue(): void {
    this.#armed = undefined;
    this.#armedAt = Infinity;
    const now = this.clock.now();
    // Only what was scheduled before this pass began may fire in it.
    const lastOrder = this.#nextOrder;
    while (this.#at.length > 0 && this.#at[0]! <= now && this.#order[0]! < lastOrder) {
      const handle = this.#handle[0]!;
      this.#pop();
      const fire = this.#callbacks.get(handle);
      if (fire === undefined) continue;
      this.#callbacks.delete(handle);
      try {
        fire();
      } catch (error) {
        this.onError(error);
      }
    }
    this.#dropCancelledTop();
    if (this.#at.length > 0 && this.#armed === undefined) this.#arm(this.#at[0]!);
  }

  /** A cancelled entry at the top would arm the Node timer for nothing. */
  #dropCancelledTop(): void {
    while (this.#at.length > 0 && !this.#callbacks.has(this.#handle[0]!)) this.#pop();
  }

  #compact(): void {
    const entries = this.#at.map((at, k) => [at, this.#order[k]!, this.#handle[k]!] as const).filter(([, , handle]) => this.#callbacks.has(handle));
    this.#at = [];
    this.#order = [];
    this.#handle = [];
    for (const [at, order, handle] of entries) this.#push(at, order, handle);
  }

  #before(i: number, j: number): boolean {
    const a = this.#at[i]!;
    const b = this.#at[j]!;
    return a < b || (a === b && this.#order[i]! < this.#order[j]!);
  }

  #swap(i: number, j: number): void {
    const at = this.#at;
    const order = this.#order;
    const handle = this.#handle;
    const t = at[i]!;
    at[i] = at[j]!;
    at[j] = t;
    const o = order[i]!;
    order[i] = order[j]!;
    order[j] = o;
    const h = handle[i]!;
    handle[i] = handle[j]!;
    handle[j] = h;
  }

  #push(at: number, order: number, handle: number): void {
    this.#at.push(at);
    this.#order.push(order);
    this.#handle.push(handle);
    let i = this.#at.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #pop(): void {
    const last = this.#at.length - 1;
    this.#swap(0, last);
    this.#at.pop();
    this.#order.pop();
    this.#handle.pop();
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= last) break;
      const right = left + 1;
      const child = right < last && this.#before(right, left) ? right : left;
      if (!this.#before(child, i)) break;
      this.#swap(i, child);
      i = child;
    }
  }
}
