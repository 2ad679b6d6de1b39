/**
 * Each fault the simulator injects shows up in the record where a picture or a
 * checker would look for it, and only when asked for (each test has a control).
 */
import { describe, expect, test } from "vitest";
import { simulate, type NodeContext } from "../../runtime/index.js";
import { chatterNode, logsOf, pings } from "./sim-fixtures.js";

const base = { nodes: 3, durationMs: 1000, seed: 5 };

describe("network faults", () => {
  test("loss: lost messages are marked and never delivered", async () => {
    const lossy = (await simulate(chatterNode, { ...base, network: { loss: 0.3 } })).record;
    const lost = pings(lossy).filter((m) => m.fault === "loss");
    expect(lost.length / pings(lossy).length).toBeGreaterThan(0.2);
    expect(lost.length / pings(lossy).length).toBeLessThan(0.4);
    expect(lost.every((m) => m.deliveredMs === undefined)).toBe(true);
    const clean = (await simulate(chatterNode, base)).record;
    expect(pings(clean).filter((m) => m.sentMs < 950).every((m) => m.fault === undefined && m.deliveredMs !== undefined)).toBe(true);
  });

  test("a swarm's drawn loss and duplication end at its untilMs, as its schedule does", async () => {
    let checked = 0;
    for (let seed = 1; seed <= 40 && checked < 3; seed++) {
      const run = await simulate(chatterNode, { ...base, seed, faults: { swarm: { untilMs: 500, kinds: ["loss", "duplicate"] } } });
      if (!run.network.loss && !run.network.duplicate) continue;
      checked++;
      const faulty = pings(run.record).filter((m) => m.fault === "loss" || m.fault === "duplicate");
      expect(faulty.length, run.replay).toBeGreaterThan(0);
      expect(faulty.every((m) => m.sentMs < 500), run.replay).toBe(true);
      expect(pings(run.record).some((m) => m.sentMs >= 500 && m.deliveredMs !== undefined)).toBe(true);
    }
    expect(checked).toBe(3);
  });

  test("duplication: the copy is delivered too, with the same body", async () => {
    const { record } = await simulate(chatterNode, { ...base, network: { duplicate: 0.2 } });
    const copies = pings(record).filter((m) => m.fault === "duplicate");
    expect(copies.length).toBeGreaterThan(10);
    for (const copy of copies) {
      const original = record.messages[copy.duplicateOf!]!;
      expect(original.id).toBe(copy.duplicateOf);
      expect(copy.body).toEqual(original.body);
      expect([copy.src, copy.dest]).toEqual([original.src, original.dest]);
    }
    expect(copies.some((m) => m.deliveredMs !== undefined)).toBe(true);
  });

  test("reordering: later messages overtake earlier ones on the same link", async () => {
    const overtaken = async (reorder: number) => {
      const { record } = await simulate(chatterNode, { ...base, latency: { kind: "constant", ms: 5 }, network: { reorder } });
      const link = pings(record).filter((m) => m.src === "n0" && m.dest === "n1" && m.deliveredMs !== undefined);
      return link.filter((m, i) => link.slice(i + 1).some((later) => later.deliveredMs! < m.deliveredMs!)).length;
    };
    expect(await overtaken(0.2)).toBeGreaterThan(5);
    expect(await overtaken(0)).toBe(0);
  });

  test("latency distributions shape delivery times", async () => {
    const delays = async (latency: Parameters<typeof simulate>[1] extends infer O ? O extends { latency?: infer L } ? L : never : never) =>
      pings((await simulate(chatterNode, { ...base, latency })).record).filter((m) => m.sentMs < 950).map((m) => m.deliveredMs! - m.sentMs);
    expect(new Set(await delays({ kind: "constant", ms: 3 }))).toEqual(new Set([3]));
    const uniform = await delays({ kind: "uniform", minMs: 2, maxMs: 4 });
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...uniform)).toBeLessThanOrEqual(4);
    const exponential = await delays({ kind: "exponential", meanMs: 5 });
    const mean = exponential.reduce((a, b) => a + b, 0) / exponential.length;
    expect(mean).toBeGreaterThan(4);
    expect(mean).toBeLessThan(6);
    const lognormal = await delays({ kind: "lognormal", medianMs: 5, sigma: 0.5, jitterMs: 1 });
    expect(Math.max(...lognormal)).toBeGreaterThan(10);
  });

  test("partition and heal: messages across the cut are dropped until the heal", async () => {
    const { record } = await simulate(chatterNode, {
      ...base,
      faults: [
        { atMs: 200, fault: "partition", groups: [["n0"]] },
        { atMs: 500, fault: "heal" },
      ],
    });
    expect(record.events.filter((e) => e.kind === "partition" || e.kind === "heal")).toEqual([
      { atMs: 200, kind: "partition", groups: [["n0"], ["n1", "n2"]] },
      { atMs: 500, kind: "heal" },
    ]);
    const crossing = pings(record).filter((m) => (m.src === "n0") !== (m.dest === "n0"));
    const during = crossing.filter((m) => m.sentMs >= 200 && m.sentMs < 490);
    expect(during.length).toBeGreaterThan(20);
    expect(during.every((m) => m.fault === "partition" && m.deliveredMs === undefined)).toBe(true);
    expect(crossing.filter((m) => m.sentMs >= 500 && m.sentMs < 950).every((m) => m.deliveredMs !== undefined)).toBe(true);
    // Inside a group, the network still works.
    expect(pings(record).filter((m) => m.src === "n1" && m.dest === "n2" && m.sentMs >= 200 && m.sentMs < 500).every((m) => m.deliveredMs !== undefined)).toBe(true);
  });
});

test("one-way cut: one direction drops, the other still delivers, until the heal", async () => {
  const { record } = await simulate(chatterNode, {
    ...base,
    faults: [
      { atMs: 200, fault: "cut", from: ["n0"], to: ["n1"] },
      { atMs: 500, fault: "heal" },
    ],
  });
  expect(record.events[0]).toEqual({ atMs: 200, kind: "partition", groups: [["n0"], ["n1"]], detail: "one-way: n0 -> n1" });
  const link = (src: string, dest: string) => pings(record).filter((m) => m.src === src && m.dest === dest && m.sentMs >= 200 && m.sentMs < 490);
  expect(link("n0", "n1").every((m) => m.fault === "partition")).toBe(true);
  expect(link("n1", "n0").every((m) => m.deliveredMs !== undefined)).toBe(true);
  expect(link("n0", "n2").every((m) => m.deliveredMs !== undefined)).toBe(true);
  expect(pings(record).filter((m) => m.src === "n0" && m.dest === "n1" && m.sentMs >= 500 && m.sentMs < 950).every((m) => m.deliveredMs !== undefined)).toBe(true);
});

describe("node faults", () => {
  /** Counts boots durably and ticks volatilely, and logs both at every boot. */
  function bootCounter(node: NodeContext): void {
    const boots = (node.storage.get<number>("boots") ?? 0) + 1;
    node.storage.set("boots", boots);
    let ticks = 0;
    node.log(`boot ${boots} ticks ${ticks} stored-ticks ${node.storage.get<number>("ticks") ?? 0}`);
    node.on("ping", () => {});
    node.every(10, () => {
      ticks++;
      node.storage.set("ticks", ticks);
      node.log(`tick ${ticks}`);
      for (const peer of node.peers) node.send(peer, { type: "ping" });
    });
  }

  test("crash and restart: durable storage survives, volatile state and timers do not", async () => {
    const { record, storage } = await simulate(bootCounter, { ...base, faults: [{ atMs: 300, fault: "crash", node: "n1", restartAfterMs: 200 }] });
    expect(record.events.filter((e) => e.node === "n1" && (e.kind === "crash" || e.kind === "restart"))).toEqual([
      { atMs: 300, kind: "crash", node: "n1" },
      { atMs: 500, kind: "restart", node: "n1" },
    ]);
    const logs = logsOf(record, "n1");
    expect(logs.filter((l) => l.detail.startsWith("boot")).map((l) => l.detail)).toEqual(["boot 1 ticks 0 stored-ticks 0", "boot 2 ticks 0 stored-ticks 29"]);
    // The dead node's timers stop with it; the new life counts from zero.
    expect(logs.filter((l) => l.atMs > 300 && l.atMs < 500)).toEqual([]);
    expect(logs.find((l) => l.atMs > 500 && l.detail.startsWith("tick"))!.detail).toBe("tick 1");
    expect(storage.n1!.boots).toBe(2);
    const toDead = record.messages.filter((m) => m.dest === "n1" && m.sentMs > 300 && m.sentMs < 490);
    expect(toDead.length).toBeGreaterThan(0);
    expect(toDead.every((m) => m.fault === "crashed")).toBe(true);
  });

  test("pause: a paused node handles nothing until resumed, then its whole inbox", async () => {
    const { record } = await simulate(bootCounter, { ...base, faults: [{ atMs: 300, fault: "pause", node: "n2", resumeAfterMs: 100 }] });
    expect(record.events.filter((e) => e.kind === "pause" || e.kind === "resume")).toEqual([
      { atMs: 300, kind: "pause", node: "n2" },
      { atMs: 400, kind: "resume", node: "n2" },
    ]);
    const toN2 = record.messages.filter((m) => m.dest === "n2");
    expect(toN2.filter((m) => m.deliveredMs! > 300 && m.deliveredMs! < 400)).toEqual([]);
    const held = toN2.filter((m) => m.sentMs > 300 && m.sentMs < 390);
    expect(held.length).toBeGreaterThan(5);
    expect(held.every((m) => m.deliveredMs === 400)).toBe(true);
    // Unlike a crash, nothing is lost: the volatile tick count carries on.
    expect(logsOf(record, "n2").filter((l) => l.detail.startsWith("boot"))).toHaveLength(1);
    expect(record.messages.filter((m) => m.src === "n2" && m.sentMs > 300 && m.sentMs < 400)).toEqual([]);
  });

  test("pause: a timer that came due while paused can still be cancelled by a message held with it", async () => {
    // n1 tells n0 to stop before n0's timer is due; both arrive while n0 is paused
    // and are handled at resume in arrival order, so the cancel must win.
    const stopper = (node: NodeContext) => {
      if (node.id === "n1") {
        node.setTimer(80, () => node.send("n0", { type: "stop" }));
        return;
      }
      const timer = node.setTimer(100, () => node.log("fired"));
      node.on("stop", () => {
        node.cancel(timer);
        node.log("stopped");
      });
    };
    const { record } = await simulate(stopper, {
      seed: 1,
      nodes: 2,
      durationMs: 500,
      latency: { kind: "constant", ms: 5 },
      faults: [{ atMs: 50, fault: "pause", node: "n0", resumeAfterMs: 150 }],
    });
    expect(logsOf(record, "n0").map((l) => l.detail)).toEqual(["stopped"]);
  });

  test("clock skew: node.now() is off by the offset, virtual time is not", async () => {
    const clockNode = (node: NodeContext) => node.every(100, () => node.log(String(node.now())));
    const { record } = await simulate(clockNode, { ...base, nodes: 2, faults: [{ atMs: 0, fault: "skew", node: "n1", offsetMs: -250 }] });
    expect(record.events[0]).toEqual({ atMs: 0, kind: "skew", node: "n1", detail: "clock offset -250 ms" });
    for (const log of logsOf(record, "n1")) expect(Number(log.detail)).toBe(log.atMs - 250);
    for (const log of logsOf(record, "n0")) expect(Number(log.detail)).toBe(log.atMs);
  });

  test("node code that throws is recorded as a crash of that node; the others carry on", async () => {
    const fragile = (node: NodeContext) => {
      node.on("ping", () => {});
      node.every(10, () => {
        if (node.id === "n1" && node.now() >= 100) throw new RangeError("index out of range");
        for (const peer of node.peers) node.send(peer, { type: "ping" });
      });
    };
    const run = await simulate(fragile, base);
    expect(run.record.events.filter((e) => e.kind === "crash")).toEqual([{ atMs: 100, kind: "crash", node: "n1", detail: "threw: RangeError: index out of range" }]);
    expect(run.record.messages.some((m) => m.src === "n0" && m.sentMs > 900)).toBe(true);
    expect(run.record.messages.some((m) => m.src === "n1" && m.sentMs >= 100)).toBe(false);
  });
});
