/**
 * The heartbeat failure detector: perfect (complete and accurate) in a
 * synchronous network on 100 seeds with a crash each, accurate again once
 * swarm faults end, and a timeout shorter than the heartbeat interval is
 * caught as a false suspicion with a replay line that reproduces it.
 */
import { describe, expect, test } from "vitest";
import { failureDetectorNode, seededRandom, simulate, type RunRecord } from "../../runtime/index.js";

const SEEDS = Array.from({ length: 100 }, (_, i) => 2000 + i);
const INTERVAL = 20;
const TIMEOUT = 60;
/** The simulator's default latency is uniform 1-10 ms. */
const MAX_LATENCY = 10;
/** Worst delay from a crash to its suspicion: the last heartbeat left just before the crash and took the longest delay, then a full timeout passed. */
const DETECTION_BOUND = TIMEOUT + MAX_LATENCY + 1;

interface Verdict {
  ok: boolean;
  anomaly?: "false-suspicion" | "missed-crash";
  message: string;
}

/** Suspicions and trusts per (observer, peer), in time order, from the nodes' logs. */
function opinions(record: RunRecord): Array<{ atMs: number; observer: string; peer: string; suspect: boolean }> {
  return record.events.flatMap((event) => {
    const match = event.kind === "log" ? /^(suspect|trust) (\S+)$/.exec(event.detail ?? "") : null;
    return match ? [{ atMs: event.atMs, observer: event.node!, peer: match[2]!, suspect: match[1] === "suspect" }] : [];
  });
}

/**
 * Checks a perfect detector's two properties on a run whose crashes are
 * permanent: accuracy (no node is suspected before it crashed) and strong
 * completeness (every node up at the end suspects each crashed node within the
 * bound, for good).
 */
function checkPerfectDetector(record: RunRecord): Verdict {
  const crashedAt = new Map(record.events.filter((e) => e.kind === "crash").map((e) => [e.node!, e.atMs]));
  const seen = opinions(record);
  const replay = `\nreplay: ${record.replay}`;
  for (const o of seen) {
    if (o.suspect && !(o.atMs >= (crashedAt.get(o.peer) ?? Infinity))) {
      return { ok: false, anomaly: "false-suspicion", message: `false-suspicion: ${o.observer} suspected ${o.peer} at ${o.atMs} ms, but ${o.peer} was up${replay}` };
    }
  }
  for (const [peer, atMs] of crashedAt) {
    for (const observer of record.nodes.filter((n) => !crashedAt.has(n))) {
      const about = seen.filter((o) => o.observer === observer && o.peer === peer);
      const last = about.at(-1);
      if (last === undefined || !last.suspect || last.atMs > atMs + DETECTION_BOUND) {
        return { ok: false, anomaly: "missed-crash", message: `missed-crash: ${observer} did not suspect ${peer} for good within ${DETECTION_BOUND} ms of its crash at ${atMs} ms${replay}` };
      }
    }
  }
  return { ok: true, message: `perfect: ${crashedAt.size} crash(es) detected by every live node, no false suspicion` };
}

/** One permanent crash of a node drawn from the seed, at a time drawn from the seed. */
function crashSpec(seed: number) {
  const random = seededRandom(seed);
  const node = `n${random.int(4)}`;
  return { seed, nodes: 4, durationMs: 800, faults: [{ atMs: 100 + random.int(500), fault: "crash" as const, node }] };
}

describe("heartbeat failure detector", () => {
  test("perfect in a synchronous network: every crash detected within the bound, no live node suspected (100 seeds)", async () => {
    for (const seed of SEEDS) {
      const run = await simulate(failureDetectorNode({ intervalMs: INTERVAL, timeoutMs: TIMEOUT }), crashSpec(seed));
      const verdict = checkPerfectDetector(run.record);
      expect(verdict.ok, verdict.message).toBe(true);
    }
  });

  test("a restarted node is trusted again at its first heartbeat", async () => {
    const run = await simulate(failureDetectorNode(), { nodes: 3, durationMs: 600, faults: [{ atMs: 100, fault: "crash", node: "n2", restartAfterMs: 200 }] });
    const aboutN2 = opinions(run.record).filter((o) => o.peer === "n2");
    expect(aboutN2.map((o) => `${o.observer} ${o.suspect ? "suspect" : "trust"}`).sort()).toEqual(["n0 suspect", "n0 trust", "n1 suspect", "n1 trust"]);
    for (const o of aboutN2.filter((o) => !o.suspect)) expect(o.atMs).toBeLessThan(300 + 20 + 10 + 1);
  });

  // Loss is left out: a swarm's loss rate lasts the whole run, so suspicions never have to end.
  test("swarm faults (partitions, pauses, crashes, duplicates, reordering, skew) cause suspicions, but once they end every live node is trusted again (100 seeds)", async () => {
    let mistaken = 0;
    for (const seed of SEEDS) {
      const run = await simulate(failureDetectorNode(), { seed, nodes: 4, durationMs: 1500, faults: { swarm: { untilMs: 800, kinds: ["duplicate", "reorder", "partition", "crash", "pause", "skew"] } } });
      const seen = opinions(run.record);
      if (seen.some((o) => o.suspect && !run.record.events.some((e) => e.kind === "crash" && e.node === o.peer))) mistaken++;
      for (const observer of run.record.nodes) {
        const since = Math.max(0, ...run.record.events.filter((e) => e.kind === "restart" && e.node === observer).map((e) => e.atMs));
        for (const peer of run.record.nodes.filter((p) => p !== observer)) {
          const last = seen.filter((o) => o.observer === observer && o.peer === peer && o.atMs >= since).at(-1);
          expect(last?.suspect ?? false, `${observer} still suspects ${peer} at the end\nreplay: ${run.replay}`).toBe(false);
        }
      }
    }
    // The faults really did fool the detector on some seeds: a slow peer and a dead one look the same.
    expect(mistaken).toBeGreaterThan(10);
  });

  test("a timeout shorter than the heartbeat interval suspects live nodes: false-suspicion, reproduced by its replay line", async () => {
    const impatient = failureDetectorNode({ intervalMs: INTERVAL, timeoutMs: INTERVAL - 5 });
    const run = await simulate(impatient, crashSpec(SEEDS[0]!));
    const verdict = checkPerfectDetector(run.record);
    expect(verdict.anomaly, verdict.message).toBe("false-suspicion");
    expect(verdict.message).toContain(`replay: ${run.replay}`);
    const again = await simulate(impatient, { replay: run.replay });
    expect(checkPerfectDetector(again.record).message).toBe(verdict.message);
  });
});
