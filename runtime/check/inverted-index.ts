/**
 * The output of a MapReduce inverted-index job against the index computed
 * sequentially from the same documents:
 *
 *   duplicate-posting   a term lists a document twice (a re-executed or duplicated task counted twice);
 *   phantom-posting     a term lists a document that does not contain it;
 *   unsorted-postings   a term's documents are not in ascending id order;
 *   incomplete          the job never said it was done;
 *   missing-posting     the job is done, but a (term, document) pair is not in its output.
 *
 * Observations come as a list, or from a run's `log` events whose detail is
 * `mapreduce ` followed by the line as JSON (what mapReduceNode's coordinator
 * logs), for example
 *   node.log(`mapreduce ${JSON.stringify({ kind: "output", task: 2, entries: [["fox", ["d1", "d3"]]] })}`)
 *   node.log(`mapreduce ${JSON.stringify({ kind: "done", mapTasks: 6, reduceTasks: 3 })}`)
 * Every `output` line counts: a job that logs one reduce output twice has
 * every posting in it twice.
 */
import type { CheckVerdict, RunEvent, RunRecord } from "../core/history.js";
import { compareStrings, indexTerms, type IndexDocument, type IndexEntries } from "../node/reference/mapreduce-index.js";
import { MAPREDUCE_LOG_PREFIX } from "../node/reference/mapreduce-messages.js";
import { CheckInputError } from "./errors.js";
import { loggedObservations } from "./logged-observations.js";
import { withReplay } from "./run-input.js";

/** One reduce task's committed share of the index, as the coordinator logged it. */
export interface IndexOutputObservation {
  kind: "output";
  atMs: number;
  node: string;
  task: number;
  entries: IndexEntries;
}

/** The coordinator declared the job finished. */
export interface IndexDoneObservation {
  kind: "done";
  atMs: number;
  node: string;
  reduceTasks?: number;
}

export type MapReduceObservation = IndexOutputObservation | IndexDoneObservation;

/** What the index should be: the documents (indexed here, one after another, with the job's tokenizer) or the index itself. */
export type InvertedIndexOptions = { documents: readonly IndexDocument[] } | { expected: IndexEntries };

/** MapReduce observations from a run's log events (see the file comment for the format). */
export function mapReduceObservations(events: readonly RunEvent[]): MapReduceObservation[] {
  return loggedObservations(events, MAPREDUCE_LOG_PREFIX, "mapreduce").map(
    ({ node, atMs, body }) => ({ ...(body as object), node, atMs }) as MapReduceObservation,
  );
}

function validate(obs: MapReduceObservation): void {
  const fail = (why: string) => {
    throw new CheckInputError("bad-observation", `mapreduce observation ${JSON.stringify(obs).slice(0, 200)}: ${why}`);
  };
  if (obs.kind === "done") return;
  if (obs.kind !== "output") fail("kind must be output or done");
  if (!Number.isInteger(obs.task)) fail("task must be an integer");
  if (!Array.isArray(obs.entries)) fail("entries must be an array of [term, docIds]");
  for (const entry of obs.entries) {
    if (!Array.isArray(entry) || typeof entry[0] !== "string" || !Array.isArray(entry[1]) || !entry[1].every((d) => typeof d === "string")) {
      fail(`entry ${JSON.stringify(entry)} is not [term, docIds] with string ids`);
    }
  }
}

/** The sequential computation: every document, every term, in one place. Pairs are keyed "term\0doc". */
function expectedPairs(options: InvertedIndexOptions): Set<string> {
  const pairs = new Set<string>();
  if ("expected" in options) {
    for (const [term, docIds] of options.expected) for (const doc of docIds) pairs.add(pairKey(term, doc));
  } else {
    for (const doc of options.documents) for (const term of indexTerms(doc.text)) pairs.add(pairKey(term, doc.id));
  }
  return pairs;
}

const pairKey = (term: string, doc: string) => `${term}\u0000${doc}`;
const where = (o: IndexOutputObservation) => `reduce output ${o.task} (${o.node} at ${o.atMs} ms)`;

export function checkInvertedIndex(input: RunRecord | readonly MapReduceObservation[], options: InvertedIndexOptions): CheckVerdict {
  const run = Array.isArray(input) ? undefined : (input as RunRecord);
  return withReplay(judge(run?.events ? mapReduceObservations(run.events) : [...(input as readonly MapReduceObservation[])], options, run), run);
}

function judge(observations: MapReduceObservation[], options: InvertedIndexOptions, run: RunRecord | undefined): CheckVerdict {
  observations.forEach(validate);
  const outputs = observations.filter((o): o is IndexOutputObservation => o.kind === "output").sort((a, b) => a.atMs - b.atMs);
  const done = observations.find((o): o is IndexDoneObservation => o.kind === "done");
  const expected = expectedPairs(options);
  const details: Record<string, unknown> = {
    outputs: outputs.length,
    reduceTasks: new Set(outputs.map((o) => o.task)).size,
    expectedPostings: expected.size,
    done: done !== undefined,
  };
  const bad = (anomaly: string, message: string, witness: Record<string, unknown>): CheckVerdict => ({
    checker: "inverted-index",
    ok: false,
    anomaly,
    message: `${anomaly}: ${message}`,
    details: { ...details, witness },
  });

  /** Where each (term, document) pair was first seen. */
  const seen = new Map<string, IndexOutputObservation>();
  for (const output of outputs) {
    for (const [term, docIds] of output.entries) {
      for (let i = 0; i < docIds.length; i++) {
        const doc = docIds[i]!;
        const key = pairKey(term, doc);
        const first = seen.get(key);
        if (first !== undefined) {
          const places = first === output ? `twice in ${where(output)}` : `in ${where(first)} and again in ${where(output)}`;
          return bad("duplicate-posting", `${JSON.stringify(term)} lists ${JSON.stringify(doc)} ${places}: a task's output was counted twice`, { term, doc, tasks: [first.task, output.task], atMs: [first.atMs, output.atMs] });
        }
        seen.set(key, output);
        if (!expected.has(key)) {
          return bad("phantom-posting", `${JSON.stringify(term)} lists ${JSON.stringify(doc)} in ${where(output)}, but that document does not contain the term`, { term, doc, task: output.task, atMs: output.atMs });
        }
        if (i > 0 && compareStrings(docIds[i - 1]!, doc) > 0) {
          return bad("unsorted-postings", `${JSON.stringify(term)} lists ${JSON.stringify(docIds[i - 1])} before ${JSON.stringify(doc)} in ${where(output)}: ${JSON.stringify(docIds)}`, { term, docIds, task: output.task, atMs: output.atMs });
        }
      }
    }
  }

  const missing = [...expected].filter((key) => !seen.has(key)).sort(compareStrings);
  details.missingPostings = missing.length;
  if (done === undefined) {
    const end = run !== undefined ? ` by the end of the run (${run.endMs} ms)` : "";
    const tasks = [...new Set(outputs.map((o) => o.task))].sort((a, b) => a - b);
    return bad(
      "incomplete",
      `the job never finished${end}: ${outputs.length === 0 ? "no reduce output was logged" : `reduce output(s) ${tasks.join(", ")} logged`} and no "done"; ${missing.length} of ${expected.size} posting(s) missing`,
      { loggedTasks: tasks, missingPostings: missing.length },
    );
  }
  if (missing.length > 0) {
    const [term, doc] = missing[0]!.split("\u0000") as [string, string];
    return bad("missing-posting", `${JSON.stringify(term)} should list ${JSON.stringify(doc)}, but the finished index does not (${missing.length} posting(s) missing in all)`, { term, doc });
  }
  const terms = new Set([...seen.keys()].map((key) => key.split("\u0000")[0]));
  return {
    checker: "inverted-index",
    ok: true,
    message: `complete: ${terms.size} term(s), ${seen.size} posting(s), each exactly once and in order, in ${outputs.length} reduce output(s)`,
    details,
  };
}
