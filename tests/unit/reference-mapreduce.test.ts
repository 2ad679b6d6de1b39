/**
 * The MapReduce reference (an inverted index): exactly the sequential index on
 * 200 swarm seeds (crashes and restarts of any node, the coordinator included,
 * pauses, partitions, loss, duplication, reordering, skew), with tasks really
 * re-executed along the way; a worker lost for good and a paused one are
 * covered by reassignment; a restarted coordinator keeps its committed
 * outputs. Each deliberate mistake is caught by checkInvertedIndex on some
 * seed, and the replay line reproduces the verdict exactly.
 */
import { describe, expect, test } from "vitest";
import { checkInvertedIndex, indexTerms, mapReduceNode, partitionOf, simulate, type MapReduceOptions, type MessageRecord, type SimulationSpec } from "../../runtime/index.js";

/** 24 documents of six words from a 40-word vocabulary, so most terms are in several documents and several reduce buckets. */
const VOCABULARY = (
  "the quick brown fox jumps over lazy dog parallel systems share memory distributed nothing map tasks run in reduce wait " +
  "for every crash loses volatile state messages may be lost or duplicated coordinator reassigns slow outputs are committed once"
).split(" ");
const documents = Array.from({ length: 24 }, (_, i) => ({
  id: `d${String(i + 1).padStart(2, "0")}`,
  text: Array.from({ length: 6 }, (_, k) => VOCABULARY[(i * 7 + k * k * 3 + k) % VOCABULARY.length]).join(" "),
}));
const job: MapReduceOptions = { documents, mapTasks: 12, reduceTasks: 3, workMs: 20 };
const SEEDS = Array.from({ length: 200 }, (_, i) => 1 + i);
/**
 * Fault-free, the job takes about 250 ms; swarm faults start anywhere in the
 * first 1200 ms, so most hit it while it runs, and are over by 1500 ms. The
 * swarm's loss, duplication and reordering rates last the whole run (up to
 * 30% loss), so the job gets another 2500 ms to finish through them. A run
 * ends when the job is done (the workers stop asking), so the margin is free.
 */
const swarm = (seed: number): SimulationSpec => ({ seed, nodes: 4, durationMs: 4000, faults: { swarm: { untilMs: 1500 } } });

/** The (kind, index) of every task the coordinator handed out, a re-execution appearing twice. */
const handedOut = (messages: readonly MessageRecord[]) =>
  messages.filter((m) => m.type === "mr_task" && m.fault !== "duplicate").map((m) => {
    const task = (m.body as { task: { kind: string; index: number } }).task;
    return `${task.kind} ${task.index}`;
  });
const reExecuted = (messages: readonly MessageRecord[]) => {
  const tasks = handedOut(messages);
  return new Set(tasks).size < tasks.length;
};

describe("MapReduce inverted index", () => {
  test("builds exactly the sequential index on 200 swarm seeds, re-executing tasks on many of them", async () => {
    let withReExecution = 0;
    let coordinatorCrashedMidJob = 0;
    for (const seed of SEEDS) {
      const run = await simulate(mapReduceNode(job), swarm(seed));
      const verdict = checkInvertedIndex(run.record, { documents });
      expect(verdict.ok, verdict.message).toBe(true);
      if (reExecuted(run.record.messages)) withReExecution++;
      const doneMs = run.record.events.find((e) => e.kind === "log" && e.detail?.startsWith('mapreduce {"kind":"done"'))!.atMs;
      if (run.record.events.some((e) => e.kind === "crash" && e.node === "n0" && e.atMs < doneMs)) coordinatorCrashedMidJob++;
    }
    // The faults really got in the way: otherwise this would test nothing a fault-free run does not.
    expect(withReExecution).toBeGreaterThan(100);
    expect(coordinatorCrashedMidJob).toBeGreaterThan(5);
  });

  test("a worker that crashes for good and one that pauses mid-task: their tasks go to the third worker, the index is exact", async () => {
    const run = await simulate(mapReduceNode(job), {
      seed: 7,
      nodes: 4,
      durationMs: 3000,
      network: { loss: 0.1, duplicate: 0.1 },
      faults: [
        { atMs: 60, fault: "crash", node: "n1" },
        { atMs: 70, fault: "pause", node: "n2", resumeAfterMs: 1000 },
      ],
    });
    expect(checkInvertedIndex(run.record, { documents }).ok).toBe(true);
    expect(reExecuted(run.record.messages)).toBe(true);
    // n2's late reports, after its resume, came for tasks committed meanwhile: ignored, or the checker would see duplicate postings.
    expect(run.record.messages.some((m) => m.src === "n2" && m.type === "mr_report" && m.sentMs >= 1070)).toBe(true);
  });

  test("a coordinator restarted mid-job keeps its committed outputs: no committed task is handed out again", async () => {
    const crashMs = 150;
    const run = await simulate(mapReduceNode(job), { seed: 3, nodes: 4, durationMs: 3000, faults: [{ atMs: crashMs, fault: "crash", node: "n0", restartAfterMs: 100 }] });
    expect(checkInvertedIndex(run.record, { documents }).ok).toBe(true);
    const committedBefore = new Set(
      run.record.messages.filter((m) => m.type === "mr_report" && m.deliveredMs !== undefined && m.deliveredMs < crashMs).map((m) => `map ${(m.body as { index: number }).index}`),
    );
    expect(committedBefore.size).toBeGreaterThan(2);
    const after = handedOut(run.record.messages.filter((m) => m.sentMs > crashMs));
    expect(after.filter((task) => committedBefore.has(task))).toEqual([]);
  });

  test("a coordinator that stays down leaves the job incomplete (the documented single point of failure)", async () => {
    const run = await simulate(mapReduceNode(job), { seed: 3, nodes: 4, durationMs: 1500, faults: [{ atMs: 150, fault: "crash", node: "n0" }] });
    const verdict = checkInvertedIndex(run.record, { documents });
    expect(verdict.anomaly).toBe("incomplete");
    expect(verdict.message).toMatch(/^incomplete: the job never finished by the end of the run \(1500 ms\): no reduce output was logged/);
  });

  test.each([
    ["no-reassignment", "incomplete"],
    ["commit-every-report", "duplicate-posting"],
    ["unsorted-reduce", "unsorted-postings"],
  ] as const)("the %s mistake is caught as %s, and its replay line reproduces the verdict", async (mistake, anomaly) => {
    const broken = mapReduceNode({ ...job, broken: mistake });
    let failure: { message: string; replay: string } | undefined;
    for (const seed of SEEDS) {
      const run = await simulate(broken, swarm(seed));
      const verdict = checkInvertedIndex(run.record, { documents });
      if (!verdict.ok) {
        expect(verdict.anomaly).toBe(anomaly);
        expect(verdict.message).toContain(`replay: ${run.replay}`);
        failure = { message: verdict.message, replay: run.replay };
        break;
      }
    }
    expect(failure, `${mistake} should fail on some seed`).toBeDefined();
    const again = await simulate(broken, { replay: failure!.replay });
    expect(checkInvertedIndex(again.record, { documents }).message).toBe(failure!.message);
  });

  test("terms are lower-cased runs of letters and digits, once per document, and a term always goes to the same reduce task", () => {
    expect(indexTerms("The fox, the FOX; naïve café 42-x")).toEqual(["the", "fox", "naïve", "café", "42", "x"]);
    const buckets = VOCABULARY.map((term) => partitionOf(term, 3));
    expect(VOCABULARY.map((term) => partitionOf(term, 3))).toEqual(buckets);
    expect(new Set(buckets)).toEqual(new Set([0, 1, 2]));
  });

  test("bad options fail when the node is made, saying what was expected", () => {
    expect(() => mapReduceNode({ documents: [] })).toThrow(/documents must be a non-empty array/);
    expect(() => mapReduceNode({ documents: [{ id: "a", text: "x" }, { id: "a", text: "y" }] })).toThrow(/"a" appears twice/);
    expect(() => mapReduceNode({ documents, reduceTasks: 0 })).toThrow(/reduceTasks must be a positive integer, got 0/);
    expect(() => mapReduceNode({ documents, taskTimeoutMs: -1 })).toThrow(/taskTimeoutMs must be a positive number/);
  });
});
