/**
 * The inverted-index checker on hand-written job outputs: a correct index
 * passes, and each way a MapReduce job can go wrong (a task counted twice, a
 * posting that should not be there, an unsorted list, a job that never
 * finished, a finished job that lost a posting) is named with the term and
 * document that show it; a malformed log line is an input error, not a verdict.
 */
import { describe, expect, test } from "vitest";
import {
  CheckInputError,
  checkInvertedIndex,
  sequentialInvertedIndex,
  type IndexEntries,
  type MapReduceObservation,
  type RunRecord,
} from "../../runtime/index.js";

const documents = [
  { id: "d1", text: "the quick fox" },
  { id: "d2", text: "The lazy dog, the end" },
  { id: "d3", text: "a fox and a dog" },
];

const output = (task: number, entries: IndexEntries, atMs = 10 + task): MapReduceObservation => ({ kind: "output", task, entries, atMs, node: "n0" });
const done: MapReduceObservation = { kind: "done", atMs: 50, node: "n0", reduceTasks: 2 };
/** The correct index, split into two reduce outputs by term. */
const correct = (): MapReduceObservation[] => {
  const index = sequentialInvertedIndex(documents);
  return [output(0, index.filter(([t]) => t < "f")), output(1, index.filter(([t]) => t >= "f")), done];
};

describe("checkInvertedIndex", () => {
  test("the sequential index split over reduce outputs is complete", () => {
    const verdict = checkInvertedIndex(correct(), { documents });
    expect(verdict).toMatchObject({ ok: true, checker: "inverted-index" });
    expect(verdict.message).toBe("complete: 8 term(s), 11 posting(s), each exactly once and in order, in 2 reduce output(s)");
  });

  test("the expected index can be given instead of the documents", () => {
    expect(checkInvertedIndex(correct(), { expected: sequentialInvertedIndex(documents) }).ok).toBe(true);
    expect(checkInvertedIndex(correct(), { expected: [["fox", ["d1"]]] }).anomaly).toBe("phantom-posting");
  });

  test("a reduce output logged twice: duplicate-posting, naming both outputs", () => {
    const obs = correct();
    obs.splice(2, 0, output(1, (obs[1] as { entries: IndexEntries }).entries, 40));
    const verdict = checkInvertedIndex(obs, { documents });
    expect(verdict.anomaly).toBe("duplicate-posting");
    expect(verdict.message).toBe('duplicate-posting: "fox" lists "d1" in reduce output 1 (n0 at 11 ms) and again in reduce output 1 (n0 at 40 ms): a task\'s output was counted twice');
    expect(verdict.details!.witness).toEqual({ term: "fox", doc: "d1", tasks: [1, 1], atMs: [11, 40] });
  });

  test("a map task counted twice inside one reduce output: duplicate-posting", () => {
    const verdict = checkInvertedIndex([output(0, [["fox", ["d1", "d1", "d3"]]]), done], { documents });
    expect(verdict.anomaly).toBe("duplicate-posting");
    expect(verdict.message).toContain('"fox" lists "d1" twice in reduce output 0');
  });

  test("a document listed under a term it does not contain: phantom-posting", () => {
    const verdict = checkInvertedIndex([output(0, [["fox", ["d1", "d2"]]]), done], { documents });
    expect(verdict.anomaly).toBe("phantom-posting");
    expect(verdict.details!.witness).toMatchObject({ term: "fox", doc: "d2" });
  });

  test("documents out of id order: unsorted-postings, with the list", () => {
    const obs = correct();
    (obs[1] as { entries: IndexEntries }).entries = (obs[1] as { entries: IndexEntries }).entries.map(([t, ds]) => [t, t === "fox" ? ["d3", "d1"] : ds]);
    const verdict = checkInvertedIndex(obs, { documents });
    expect(verdict.anomaly).toBe("unsorted-postings");
    expect(verdict.message).toContain('"fox" lists "d3" before "d1" in reduce output 1 (n0 at 11 ms): ["d3","d1"]');
  });

  test("no done line: incomplete, even when every posting happens to be there", () => {
    const verdict = checkInvertedIndex(correct().slice(0, 2), { documents });
    expect(verdict.anomaly).toBe("incomplete");
    expect(verdict.message).toBe('incomplete: the job never finished: reduce output(s) 0, 1 logged and no "done"; 0 of 11 posting(s) missing');
    expect(checkInvertedIndex([], { documents }).message).toContain("no reduce output was logged");
  });

  test("done, but a posting is gone: missing-posting, the first missing pair by term", () => {
    const obs = correct();
    obs.splice(1, 1);
    const verdict = checkInvertedIndex(obs, { documents });
    expect(verdict.anomaly).toBe("missing-posting");
    expect(verdict.message).toBe('missing-posting: "fox" should list "d1", but the finished index does not (6 posting(s) missing in all)');
  });

  test("from a run: reads the coordinator's log lines and ends a failure with the replay line", () => {
    const log = (atMs: number, line: unknown) => ({ atMs, kind: "log" as const, node: "n0", detail: `mapreduce ${JSON.stringify(line)}` });
    const run: RunRecord = {
      nodes: ["n0", "n1"],
      clients: [],
      messages: [],
      history: [],
      events: [{ atMs: 1, kind: "log", node: "n1", detail: "unrelated" }, log(5, { kind: "output", task: 0, entries: [["fox", ["d1", "d3"]]] })],
      replay: "pardis-sim {}",
      endMs: 900,
    };
    const verdict = checkInvertedIndex(run, { documents });
    expect(verdict.message).toBe('incomplete: the job never finished by the end of the run (900 ms): reduce output(s) 0 logged and no "done"; 9 of 11 posting(s) missing\nreplay: pardis-sim {}');
  });

  test("a malformed line is a CheckInputError, not a verdict", () => {
    const run = { nodes: ["n0"], clients: [], messages: [], history: [], endMs: 1, events: [{ atMs: 1, kind: "log" as const, node: "n0", detail: "mapreduce {oops" }] };
    expect(() => checkInvertedIndex(run, { documents })).toThrow(CheckInputError);
    expect(() => checkInvertedIndex([output(0, [["fox", "d1"]] as unknown as IndexEntries)], { documents })).toThrow(/is not \[term, docIds\]/);
  });
});
