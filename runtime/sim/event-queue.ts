/**
 * The simulator's agenda: a binary min-heap on (time, sequence). The sequence
 * number breaks ties in scheduling order, which is what makes two runs with the
 * same seed pop events in the same order. Hand-rolled on a plain array of
 * small objects: the reference loop in tests/bench/sim.bench.ts is the same
 * shape, and this heap must keep up with it.
 */
export interface Scheduled {
  t: number;
  seq: number;
}

export class EventQueue<E extends Scheduled> {
  private readonly items: E[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.items.length;
  }

  /** Stamps the event with the next sequence number and adds it. */
  push(event: E): void {
    event.seq = this.nextSeq++;
    const items = this.items;
    let i = items.length;
    items.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (p.t < event.t || (p.t === event.t && p.seq < event.seq)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = event;
  }

  peekTime(): number {
    return this.items.length > 0 ? this.items[0]!.t : Infinity;
  }

  pop(): E | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    const n = items.length;
    if (n > 0 && last !== undefined) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        const right = items[c + 1];
        let child = items[c]!;
        if (right !== undefined && (right.t < child.t || (right.t === child.t && right.seq < child.seq))) {
          c++;
          child = right;
        }
        if (last.t < child.t || (last.t === child.t && last.seq < child.seq)) break;
        items[i] = child;
        i = c;
      }
      items[i] = last;
    }
    return top;
  }
}
