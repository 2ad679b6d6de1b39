/**
 * The simulator's agenda (runtime/sim/agenda.ts): entries come out in (time,
 * scheduling order) order with the fields they went in with, however slots are
 * recycled and the heap grows.
 */
import { describe, expect, it } from "vitest";
import { Agenda } from "../../runtime/sim/agenda.js";
import { seededRandom } from "../../runtime/core/random.js";

interface Popped {
  t: number;
  kind: number;
  target: number;
  aux: number;
  item: string | undefined;
  extra: number | undefined;
}

function popAll(agenda: Agenda<string, number>, into: Popped[]): void {
  while (agenda.pop()) into.push({ t: agenda.t, kind: agenda.kind, target: agenda.target, aux: agenda.aux, item: agenda.item, extra: agenda.extra });
}

describe("agenda", () => {
  it("pops by time, and entries with equal times in the order they were pushed", () => {
    const agenda = new Agenda<string, number>();
    const random = seededRandom(7);
    const pushed: Popped[] = [];
    for (let k = 0; k < 1000; k++) {
      // Few distinct times, so ties are common.
      const entry = { t: random.int(20), kind: k % 6, target: k, aux: k * 1.5, item: `e${k}`, extra: k % 3 === 0 ? k : undefined };
      pushed.push(entry);
      agenda.push(entry.t, entry.kind, entry.target, entry.aux, entry.item, entry.extra);
    }
    expect(agenda.size).toBe(1000);
    const popped: Popped[] = [];
    popAll(agenda, popped);
    // A stable sort by time is exactly (time, push order).
    expect(popped).toEqual([...pushed].sort((a, b) => a.t - b.t));
    expect(agenda.size).toBe(0);
    expect(agenda.peekTime()).toBe(Infinity);
  });

  it("recycles slots: interleaved pushes and pops keep every entry's own fields", () => {
    const agenda = new Agenda<string, number>();
    const random = seededRandom(11);
    let now = 0;
    let next = 0;
    const expected = new Map<string, number>();
    for (let k = 0; k < 200; k++) {
      agenda.push(random.next() * 10, 0, k, k, `e${next}`, next);
      expected.set(`e${next}`, next++);
    }
    for (let step = 0; step < 5000; step++) {
      expect(agenda.pop()).toBe(true);
      expect(agenda.t).toBeGreaterThanOrEqual(now);
      now = agenda.t;
      expect(agenda.extra).toBe(expected.get(agenda.item!));
      expected.delete(agenda.item!);
      // Each pop schedules one or (sometimes) two later entries, so the heap and the slot columns grow past their first size.
      for (let c = random.next() < 0.55 ? 2 : 1; c > 0; c--) {
        agenda.push(now + random.next() * 10, 1, step, step, `e${next}`, next);
        expected.set(`e${next}`, next++);
      }
    }
    expect(agenda.size).toBe(expected.size);
  });
});
