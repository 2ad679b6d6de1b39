/**
 * A binary min-heap of event objects on (time, sequence), kept as a public
 * building block (the simulator's own agenda is runtime/sim/agenda.ts, which
 * keeps an entry's fields in slot columns instead of an object). The sequence
 * number breaks ties in scheduling order, which is what makes two runs with the
 * same seed pop events in the same order.
 *
 * The keys live in parallel typed arrays beside the array of events, so sifting
 * compares numbers in two dense arrays instead of chasing a pointer to each
 * event's object: with a thousand nodes the heap no longer fits in cache as
 * objects, and the pointer chase was what the simulator paid for beyond the
 * plain loop in tests/bench/sim.bench.ts.
 */
export interface Scheduled {
  t: number;
  seq: number;
}

export class EventQueue<E extends Scheduled> {
  private items: Array<E | undefined> = [];
  private times = new Float64Array(64);
  /** Float64 so a sequence number never wraps, however long the run. */
  private seqs = new Float64Array(64);
  private count = 0;
  private nextSeq = 0;

  get size(): number {
    return this.count;
  }

  /** Stamps the event with the next sequence number and adds it. */
  push(event: E): void {
    const seq = this.nextSeq++;
    event.seq = seq;
    const t = event.t;
    if (this.count === this.times.length) this.grow();
    const items = this.items;
    const times = this.times;
    const seqs = this.seqs;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      // A later push has a larger seq, so on equal times the parent stays: only a strictly later parent moves down.
      if (pt <= t) break;
      items[i] = items[parent];
      times[i] = pt;
      seqs[i] = seqs[parent]!;
      i = parent;
    }
    items[i] = event;
    times[i] = t;
    seqs[i] = seq;
  }

  peekTime(): number {
    return this.count > 0 ? this.times[0]! : Infinity;
  }

  pop(): E | undefined {
    if (this.count === 0) return undefined;
    const items = this.items;
    const times = this.times;
    const seqs = this.seqs;
    const top = items[0];
    const n = --this.count;
    const last = items[n];
    items[n] = undefined;
    if (n > 0) {
      const lt = times[n]!;
      const ls = seqs[n]!;
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
        items[i] = items[c];
        times[i] = ct;
        seqs[i] = cs;
        i = c;
      }
      items[i] = last;
      times[i] = lt;
      seqs[i] = ls;
    }
    return top;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
    const seqs = new Float64Array(this.seqs.length * 2);
    seqs.set(this.seqs);
    this.seqs = seqs;
  }
}
