/**
 * The simulator's agenda: a binary min-heap on (time, sequence), where the
 * sequence number breaks ties in scheduling order (what makes two runs with the
 * same seed pop events in the same order).
 *
 * An entry is not an object. Its fields live in slots: parallel columns (kind,
 * target, aux as numbers; item and extra as references) indexed by a slot
 * number that is recycled when the entry is popped. The heap itself only moves
 * (time, seq, slot) triples in three typed arrays, so sifting compares numbers
 * in dense arrays, and a message in flight costs no agenda object at all: its
 * item is the envelope the receiver gets anyway. With a thousand nodes and a
 * thousand messages in flight, the object per entry was one more allocation
 * and one more cache miss per message (tests/bench/sim.bench.ts).
 *
 * pop() copies the entry's fields into this object's `t`, `kind`, `target`,
 * `aux`, `item`, `extra` (read them before the next push or pop) and frees its
 * slot.
 */
export class Agenda<Item, Extra> {
  // The heap, in heap order.
  private times = new Float64Array(64);
  /** Float64 so a sequence number never wraps, however long the run. */
  private seqs = new Float64Array(64);
  private slotOf = new Int32Array(64);
  // The entries, by slot.
  private kinds = new Int32Array(64);
  private targets = new Int32Array(64);
  private auxes = new Float64Array(64);
  private items: Array<Item | undefined> = [];
  private extras: Array<Extra | undefined> = [];
  /** Free slots, a stack; slots [0, used) have been handed out at least once. */
  private free = new Int32Array(64);
  private freeCount = 0;
  private used = 0;
  private count = 0;
  private nextSeq = 0;

  /** The entry the last pop() took out. */
  t = 0;
  kind = 0;
  target = 0;
  aux = 0;
  item: Item | undefined = undefined;
  extra: Extra | undefined = undefined;

  get size(): number {
    return this.count;
  }

  peekTime(): number {
    return this.count > 0 ? this.times[0]! : Infinity;
  }

  /** Adds an entry at time `t`, after every entry already scheduled for `t`. */
  push(t: number, kind: number, target: number, aux: number, item: Item | undefined, extra: Extra | undefined): void {
    const slot = this.freeCount > 0 ? this.free[--this.freeCount]! : this.newSlot();
    this.kinds[slot] = kind;
    this.targets[slot] = target;
    this.auxes[slot] = aux;
    this.items[slot] = item;
    this.extras[slot] = extra;

    if (this.count === this.times.length) this.growHeap();
    const seq = this.nextSeq++;
    const times = this.times;
    const seqs = this.seqs;
    const slotOf = this.slotOf;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      // A later push has a larger seq, so on equal times the parent stays: only a strictly later parent moves down.
      if (pt <= t) break;
      times[i] = pt;
      seqs[i] = seqs[parent]!;
      slotOf[i] = slotOf[parent]!;
      i = parent;
    }
    times[i] = t;
    seqs[i] = seq;
    slotOf[i] = slot;
  }

  /** Takes out the earliest entry into this object's fields; false when the agenda is empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    const times = this.times;
    const seqs = this.seqs;
    const slotOf = this.slotOf;
    const slot = slotOf[0]!;
    this.t = times[0]!;
    const n = --this.count;
    if (n > 0) {
      const lt = times[n]!;
      const ls = seqs[n]!;
      const lslot = slotOf[n]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        let ct = times[c]!;
        let cs = seqs[c]!;
        const r = c + 1;
        if (r < n) {
          const rt = times[r]!;
          if (rt < ct || (rt === ct && seqs[r]! < cs)) {
            c = r;
            ct = rt;
            cs = seqs[r]!;
          }
        }
        if (lt < ct || (lt === ct && ls < cs)) break;
        times[i] = ct;
        seqs[i] = cs;
        slotOf[i] = slotOf[c]!;
        i = c;
      }
      times[i] = lt;
      seqs[i] = ls;
      slotOf[i] = lslot;
    }
    this.kind = this.kinds[slot]!;
    this.target = this.targets[slot]!;
    this.aux = this.auxes[slot]!;
    this.item = this.items[slot];
    this.extra = this.extras[slot];
    // Let go of what the slot held (a delivered body, a record), so a retained slot keeps nothing alive.
    this.items[slot] = undefined;
    this.extras[slot] = undefined;
    this.free[this.freeCount++] = slot;
    return true;
  }

  private newSlot(): number {
    const slot = this.used++;
    if (slot === this.kinds.length) {
      this.kinds = grown(this.kinds, new Int32Array(slot * 2));
      this.targets = grown(this.targets, new Int32Array(slot * 2));
      this.auxes = grown(this.auxes, new Float64Array(slot * 2));
      this.free = grown(this.free, new Int32Array(slot * 2));
    }
    this.items.push(undefined);
    this.extras.push(undefined);
    return slot;
  }

  private growHeap(): void {
    const size = this.times.length * 2;
    this.times = grown(this.times, new Float64Array(size));
    this.seqs = grown(this.seqs, new Float64Array(size));
    this.slotOf = grown(this.slotOf, new Int32Array(size));
  }
}

function grown<A extends Float64Array | Int32Array>(from: A, to: A): A {
  to.set(from);
  return to;
}
