/**
 * The linearizability checker against classic histories whose verdict is
 * known (stale read, lost write, value never written, cas races, info
 * operations), then against generated histories: linearizable by construction
 * always pass, and one impossible read always fails with that read in the
 * witness.
 */
import { describe, expect, test } from "vitest";
import type { HistoryOperation } from "../../runtime/core/history.js";
import { CheckInputError, checkLinearizability, generateHistory } from "../../runtime/check/index.js";

let nextId = 0;
type Outcome = "ok" | "fail" | "info" | undefined;
/** An operation: [invokeMs, completeMs] on a client; info and pending operations never complete. */
function op(client: string, f: string, value: unknown, invokeMs: number, completeMs: number | undefined, outcome: Outcome = "ok", key?: string): HistoryOperation {
  const reads = f === "read" || f === "dequeue";
  return {
    id: nextId++,
    client,
    f,
    key,
    input: reads ? undefined : value,
    output: reads && outcome === "ok" ? value : f === "cas" && outcome === "ok" ? true : undefined,
    outcome,
    invokeMs,
    completeMs,
  };
}
function history(...ops: HistoryOperation[]): HistoryOperation[] {
  return ops.map((o, id) => ({ ...o, id }));
}

describe("registers: classic histories", () => {
  test("a write then a read of it is linearizable", () => {
    const v = checkLinearizability(history(op("a", "write", 1, 0, 1), op("b", "read", 1, 2, 3)));
    expect(v).toMatchObject({ checker: "linearizability", ok: true });
  });

  test("a read concurrent with a write may see either value", () => {
    const h = history(op("a", "write", 1, 0, 10), op("b", "read", null, 1, 2), op("c", "read", 1, 3, 4));
    expect(checkLinearizability(h).ok).toBe(true);
  });

  test("a read that sees the new value, then one that sees the old, is not (new-old inversion)", () => {
    const h = history(op("a", "write", 1, 0, 10), op("b", "read", 1, 1, 2), op("c", "read", null, 3, 4));
    const v = checkLinearizability(h);
    expect(v).toMatchObject({ ok: false, anomaly: "nonlinearizable" });
    expect(v.witness).toEqual([0, 1, 2]);
  });

  test("stale read: the witness keeps both writes and the read", () => {
    const h = history(op("a", "write", 1, 0, 1), op("a", "write", 2, 2, 3), op("b", "read", 1, 4, 5), op("c", "read", 2, 6, 7));
    const v = checkLinearizability(h);
    expect(v).toMatchObject({ ok: false, anomaly: "nonlinearizable", witness: [0, 1, 2] });
    expect(v.details).toMatchObject({ culprit: 2, culpritFitsNowhere: false, stuckOperation: 2 });
    expect(v.message).toContain("could happen, but not at this time");
  });

  test("read of a value never written: the witness is the read alone", () => {
    const h = history(op("a", "write", 1, 0, 1), op("b", "read", 1, 2, 3), op("b", "read", 7, 4, 5), op("a", "write", 2, 6, 7));
    const v = checkLinearizability(h);
    expect(v).toMatchObject({ ok: false, witness: [2] });
    expect(v.message).toContain("fits at no point");
  });

  test("lost write: an acknowledged write the next read does not see", () => {
    const h = history(op("a", "write", 1, 0, 1), op("b", "read", null, 2, 3));
    expect(checkLinearizability(h)).toMatchObject({ ok: false, witness: [0, 1] });
  });

  test("concurrent writes are fine in one order only", () => {
    const fine = history(op("a", "write", 1, 0, 10), op("b", "write", 2, 0, 10), op("c", "read", 1, 11, 12), op("c", "read", 1, 13, 14));
    expect(checkLinearizability(fine).ok).toBe(true);
    const flip = history(op("a", "write", 1, 0, 10), op("b", "write", 2, 0, 10), op("c", "read", 1, 11, 12), op("d", "read", 2, 13, 14));
    expect(checkLinearizability(flip)).toMatchObject({ ok: false, witness: [0, 1, 2, 3] });
  });

  test("two successful cas from the same expected value are not linearizable", () => {
    const h = history(op("a", "write", 1, 0, 1), op("b", "cas", [1, 2], 2, 5), op("c", "cas", [1, 3], 3, 6));
    const v = checkLinearizability(h);
    expect(v).toMatchObject({ ok: false, anomaly: "nonlinearizable" });
    expect(v.witness).toEqual([0, 1, 2]);
    expect(v.message).toContain("fits at no point");
  });

  test("cas chains, cas seen not to apply (output false), failed cas dropped", () => {
    const good = history(op("a", "write", 1, 0, 1), op("b", "cas", [1, 2], 2, 3), op("c", "read", 2, 4, 5), op("d", "cas", [1, 9], 6, 7, "fail"));
    expect(checkLinearizability(good).ok).toBe(true);
    const notApplied = history(op("a", "write", 1, 0, 1), { ...op("b", "cas", [5, 6], 2, 3), output: false }, op("c", "read", 1, 4, 5));
    expect(checkLinearizability(notApplied).ok).toBe(true);
    const wrongFalse = history(op("a", "write", 5, 0, 1), { ...op("b", "cas", [5, 6], 2, 3), output: false });
    expect(checkLinearizability(wrongFalse).ok).toBe(false);
  });
});

describe("info, pending and fail", () => {
  test("an info write may take effect later, making a later read linearizable", () => {
    const h = history(op("a", "write", 1, 0, 1), op("b", "write", 2, 2, undefined, "info"), op("c", "read", 2, 100, 101));
    expect(checkLinearizability(h).ok).toBe(true);
  });

  test("an info write may never take effect", () => {
    const h = history(op("a", "write", 1, 0, 1), op("b", "write", 2, 2, undefined, "info"), op("c", "read", 1, 100, 101));
    expect(checkLinearizability(h).ok).toBe(true);
  });

  test("an info write may take effect, be seen, then be overwritten", () => {
    const h = history(
      op("b", "write", 2, 0, undefined, "info"),
      op("c", "read", 2, 10, 11),
      op("a", "write", 3, 12, 13),
      op("c", "read", 3, 14, 15),
    );
    expect(checkLinearizability(h).ok).toBe(true);
  });

  test("an info write cannot take effect before it was invoked", () => {
    const h = history(op("c", "read", 2, 0, 1), op("b", "write", 2, 5, undefined, "info"));
    expect(checkLinearizability(h)).toMatchObject({ ok: false, witness: [0] });
  });

  test("a pending operation (no outcome) counts like info", () => {
    const h = history(op("a", "write", 1, 0, 1), { ...op("b", "write", 2, 2, undefined), outcome: undefined }, op("c", "read", 2, 100, 101));
    expect(checkLinearizability(h).ok).toBe(true);
  });

  test("a failed write did not happen: reading its value is not linearizable", () => {
    const h = history(op("a", "write", 1, 0, 1), op("b", "write", 2, 2, 3, "fail"), op("c", "read", 2, 4, 5));
    expect(checkLinearizability(h)).toMatchObject({ ok: false, witness: [2] });
  });

  test("an info write nobody read still explains a cas seen not to apply", () => {
    const h = history(op("a", "write", 1, 0, 1), op("b", "write", 2, 2, undefined, "info"), { ...op("c", "cas", [1, 3], 5, 6), output: false });
    expect(checkLinearizability(h).ok).toBe(true);
    expect(checkLinearizability(h.filter((o) => o.id !== 1)).ok).toBe(false);
  });

  test("many info writes do not blow up the search", () => {
    const ops: HistoryOperation[] = [];
    for (let i = 0; i < 40; i++) ops.push(op(`p${i}`, "write", i + 100, i, undefined, "info"));
    for (let i = 0; i < 200; i++) ops.push(op("r", "read", 100 + (i % 40), 50 + 2 * i, 51 + 2 * i));
    // Reads alternate among the 40 values: impossible once each value is overwritten for good.
    const v = checkLinearizability(history(...ops));
    expect(v.unknown ?? false).toBe(false);
    expect(v.ok).toBe(false);
  });
});

describe("other models and keys", () => {
  test("a key-value map is checked per key", () => {
    const h = history(
      op("a", "write", 1, 0, 10, "ok", "x"),
      op("b", "write", 1, 0, 10, "ok", "y"),
      op("c", "read", 1, 11, 12, "ok", "x"),
      op("c", "read", null, 13, 14, "ok", "y"),
    );
    const v = checkLinearizability(h, { model: "kv" });
    expect(v).toMatchObject({ ok: false, witness: [1, 3] });
    expect(v.details).toMatchObject({ key: "y", failingKeys: ["y"] });
    expect(checkLinearizability(h.slice(0, 3), { model: "kv" }).ok).toBe(true);
  });

  test("counter: concurrent adds, reads between sums", () => {
    const good = history(op("a", "add", 1, 0, 10), op("b", "add", 2, 0, 10), op("c", "read", 2, 1, 2), op("c", "read", 3, 11, 12));
    expect(checkLinearizability(good, { model: "counter" }).ok).toBe(true);
    const bad = history(op("a", "add", 1, 0, 10), op("b", "add", 2, 0, 10), op("c", "read", 4, 11, 12));
    expect(checkLinearizability(bad, { model: "counter" })).toMatchObject({ ok: false, witness: [2] });
    const lost = history(op("a", "add", 1, 0, 1), op("b", "add", 2, 2, 3), op("c", "read", 2, 4, 5));
    // The read of 2 fits nowhere, and the witness keeps the add that could have made it 2.
    expect(checkLinearizability(lost, { model: "counter" })).toMatchObject({ ok: false, witness: [0, 1, 2] });
  });

  test("set: a read must contain every add that finished before it", () => {
    const good = history(op("a", "add", "x", 0, 1), op("b", "add", "y", 0, 10), op("c", "read", ["x"], 2, 3), op("c", "read", ["y", "x"], 11, 12));
    expect(checkLinearizability(good, { model: "set" }).ok).toBe(true);
    const bad = history(op("a", "add", "x", 0, 1), op("c", "read", [], 2, 3));
    expect(checkLinearizability(bad, { model: "set" }).ok).toBe(false);
  });

  test("queue: FIFO order of dequeues", () => {
    const good = history(op("a", "enqueue", 1, 0, 1), op("a", "enqueue", 2, 2, 3), op("b", "dequeue", 1, 4, 5), op("b", "dequeue", 2, 6, 7), op("b", "dequeue", null, 8, 9));
    expect(checkLinearizability(good, { model: "queue" }).ok).toBe(true);
    const bad = history(op("a", "enqueue", 1, 0, 1), op("a", "enqueue", 2, 2, 3), op("b", "dequeue", 2, 4, 5));
    expect(checkLinearizability(bad, { model: "queue" }).ok).toBe(false);
  });
});

describe("budget and input errors", () => {
  test("a search that runs out of steps says unknown instead of guessing", () => {
    const h = generateHistory({ seed: 3, operations: 300, clients: 6 });
    const v = checkLinearizability(h, { maxSteps: 10 });
    expect(v).toMatchObject({ ok: false, unknown: true });
    expect(v.anomaly).toBeUndefined();
    expect(v.message).toMatch(/^unknown: .*maxSteps/);
  });

  test("malformed input throws a typed error", () => {
    const bad = [{ ...op("a", "write", 1, 5, 4), id: 0 }];
    expect(() => checkLinearizability(bad)).toThrow(CheckInputError);
    try {
      checkLinearizability(bad);
    } catch (error) {
      expect((error as CheckInputError).code).toBe("bad-operation");
    }
    expect(() => checkLinearizability([], { model: "stack" as never })).toThrow(/no model named "stack"/);
    expect(() => checkLinearizability(history(op("a", "cas", 3, 0, 1)))).toThrow(/cas expects input/);
  });
});

describe("generated histories", () => {
  const seeds = Array.from({ length: 40 }, (_, i) => i + 1);

  test.each(seeds)("seed %i: linearizable by construction, and an impossible read is caught", (seed) => {
    const h = generateHistory({ seed, operations: 300, keys: 3, clients: 5, infoRate: 0.05 });
    expect(checkLinearizability(h)).toMatchObject({ ok: true });
    const reads = h.filter((o) => o.f === "read" && o.outcome === "ok");
    const target = reads[(seed * 7919) % reads.length]!;
    const mutated = h.map((o) => (o === target ? { ...o, output: -seed } : o));
    const v = checkLinearizability(mutated);
    expect(v).toMatchObject({ ok: false, anomaly: "nonlinearizable", witness: [target.id] });
  });

  test.each(seeds)("seed %i: a stale read (a value overwritten before the read began) is caught", (seed) => {
    const h = generateHistory({ seed, operations: 300, keys: 2, clients: 4 });
    const writes = h.filter((o) => o.f === "write" && o.outcome === "ok");
    // A read that starts after w2 completed, where w2 was invoked after w1 completed, on the same key.
    let found: { read: HistoryOperation; stale: unknown } | undefined;
    for (const read of h.filter((o) => o.f === "read" && o.outcome === "ok")) {
      const w1 = writes.find((w) => w.key === read.key && writes.some((w2) => w2.key === w.key && w2.invokeMs > w.completeMs! && w2.completeMs! < read.invokeMs));
      if (w1 !== undefined && w1.input !== read.output) {
        found = { read, stale: w1.input };
        break;
      }
    }
    expect(found).toBeDefined();
    const mutated = h.map((o) => (o === found!.read ? { ...o, output: found!.stale } : o));
    const v = checkLinearizability(mutated);
    expect(v).toMatchObject({ ok: false, anomaly: "nonlinearizable" });
    expect(v.witness).toContain(found!.read.id);
    expect(v.witness!.length).toBeGreaterThanOrEqual(3);
    expect(v.details).toMatchObject({ culprit: found!.read.id, culpritFitsNowhere: false });
  });

  test("counter histories are linearizable by construction", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const h = generateHistory({ seed, operations: 400, keys: 2, clients: 6, model: "counter", infoRate: 0.05 });
      expect(checkLinearizability(h, { model: "counter" }).ok).toBe(true);
    }
  });

  test("the same history gives the same verdict", () => {
    const h = generateHistory({ seed: 9, operations: 200, clients: 4 });
    const mutated = h.map((o, i) => (i === 150 && o.f === "read" ? { ...o, output: "x" } : o));
    expect(JSON.stringify(checkLinearizability(mutated))).toBe(JSON.stringify(checkLinearizability(mutated)));
  });
});

describe("runs", () => {
  test("given a run, a failing verdict ends with its replay line", () => {
    const h = history(op("a", "write", 1, 0, 1), op("b", "read", 2, 2, 3));
    const run = { nodes: ["n1"], clients: ["a", "b"], messages: [], events: [], history: h, endMs: 3, replay: "pardis replay --seed 7 --nodes 1" };
    const v = checkLinearizability(run);
    expect(v.message.split("\n").at(-1)).toBe("replay: pardis replay --seed 7 --nodes 1");
    expect(v.details).toMatchObject({ replay: run.replay });
    expect(checkLinearizability({ ...run, history: h.slice(0, 1) }).message).not.toContain("replay");
  });

  test("generated histories are the same for the same seed and differ across seeds", () => {
    const options = { seed: 5, operations: 100, keys: 2, clients: 3, infoRate: 0.1 };
    expect(generateHistory(options)).toEqual(generateHistory(options));
    expect(generateHistory({ ...options, seed: 6 })).not.toEqual(generateHistory(options));
    const outcomes = new Set(generateHistory({ ...options, operations: 500 }).map((o) => o.outcome));
    expect([...outcomes].sort()).toEqual(["fail", "info", "ok"]);
  });
});
