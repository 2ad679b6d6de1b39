/**
 * Node randomness streams share one state array (runtime/core/random.ts,
 * seededRandoms) but each is exactly the sequence seededRandom gives for its
 * seed, and seededRandom itself never changes: every pinned seed in the tests
 * and notebooks depends on these draws.
 */
import { describe, expect, it } from "vitest";
import { seededRandom, seededRandoms } from "../../runtime/core/random.js";

describe("seeded random streams", () => {
  it("seededRandom draws the same values as before the streams shared a state array", () => {
    const r = seededRandom(42);
    expect([r.next(), r.next(), r.int(1000), r.int(7), r.pick(["a", "b", "c", "d"])]).toEqual([0.6606157226487994, 0.12688010395504534, 111, 5, "a"]);
    const q = seededRandom(7);
    expect(Array.from({ length: 5 }, () => q.int(1_000_000))).toEqual([233827, 512232, 448914, 172715, 565669]);
  });

  it("streams made together are independent and each equals its own seededRandom, however the draws interleave", () => {
    const seeds = [3, 99, 3, 123456];
    const streams = seededRandoms(seeds);
    const alone = seeds.map((seed) => seededRandom(seed));
    const random = seededRandom(1);
    for (let step = 0; step < 400; step++) {
      const k = random.int(seeds.length);
      expect(streams[k]!.next()).toBe(alone[k]!.next());
    }
    expect(streams.map((s) => s.seed)).toEqual(seeds);
  });

  it("methods work unbound (node code may pass node.random.int around)", () => {
    const { int, next, pick } = seededRandoms([5])[0]!;
    const same = seededRandom(5);
    expect([int(10), next(), pick([1, 2, 3])]).toEqual([same.int(10), same.next(), same.pick([1, 2, 3])]);
  });
});
