/**
 * Convergence of eventually consistent data (CRDT counters, gossip sets,
 * last-writer-wins registers): once the system is quiet, every replica's final
 * read reports the same value, and that value is what the acknowledged
 * operations imply. Operations whose outcome is unknown may or may not count.
 *
 *   kind "counter"  ops { f: "add", input: amount } and { f: "read", output: number }:
 *                   the value lies between the sum of ok adds plus every unknown
 *                   negative add and the sum of ok adds plus every unknown positive one.
 *   kind "set"      ops { f: "add", input: element } and { f: "read", output: element[] }:
 *                   every ok add is present; nothing appears that no add (ok or
 *                   unknown) put there.
 *   kind "value"    ops { f: "write", input } and { f: "read", output }: replicas
 *                   agree on a value some write wrote (or null, nothing written).
 */
import type { CheckVerdict, HistoryOperation, RunRecord } from "../core/history.js";
import { finalReads, liveNodesAtEnd } from "./final-reads.js";
import { canonicalJson } from "./json.js";
import { runOf, withReplay, type CheckInput } from "./run-input.js";

export interface ConvergenceOptions {
  /** @default "counter" */
  kind?: "counter" | "set" | "value";
  /** Replicas that must answer a final read. @default the run's nodes not crashed at the end, or else every node that answered */
  nodes?: string[];
  /** Only reads invoked at or after this time count as final (the quiescent period). @default every read; the last per node counts */
  finalFromMs?: number;
}

const verdict = (ok: boolean, message: string, rest: Partial<CheckVerdict> = {}): CheckVerdict => ({ checker: "convergence", ok, message, ...rest });

export function checkConvergence(input: CheckInput, options: ConvergenceOptions = {}): CheckVerdict {
  return withReplay(judge(input, options), runOf(input));
}

function judge(input: CheckInput, options: ConvergenceOptions): CheckVerdict {
  const run = Array.isArray(input) ? undefined : (input as RunRecord);
  const history: readonly HistoryOperation[] = run?.history ?? (input as readonly HistoryOperation[]);
  const kind = options.kind ?? "counter";
  const reads = finalReads(history, options.finalFromMs);
  const nodes = options.nodes ?? (run ? liveNodesAtEnd(run.nodes, run.events) : [...reads.keys()]);
  const details: Record<string, unknown> = {
    kind,
    finalReads: Object.fromEntries([...reads].map(([node, op]) => [node, op.output])),
  };

  const silent = nodes.filter((node) => !reads.has(node));
  if (silent.length > 0) {
    return verdict(false, `no-final-read: ${silent.join(", ")} gave no final read, so convergence cannot be shown`, { anomaly: "no-final-read", details: { ...details, silent } });
  }
  const checked = nodes.map((node) => reads.get(node)!);
  if (checked.length === 0) return verdict(true, "no replicas to compare", { details });

  // Agreement first: two replicas that differ are the smallest witness.
  const byValue = new Map<string, HistoryOperation[]>();
  for (const read of checked) {
    const key = canonicalJson(kind === "set" ? [...new Set((read.output as unknown[] | undefined ?? []).map(canonicalJson))].sort() : read.output);
    byValue.set(key, [...(byValue.get(key) ?? []), read]);
  }
  if (byValue.size > 1) {
    const groups = [...byValue.values()];
    const show = groups.map((g) => `${g.map((r) => r.node ?? r.client).join(", ")} read ${JSON.stringify(g[0]!.output)}`).join("; ");
    return verdict(false, `divergence: replicas disagree after the final reads: ${show}`, {
      anomaly: "divergence",
      witness: groups.map((g) => g[0]!.id).sort((a, b) => a - b),
      details,
    });
  }
  const agreed = checked[0]!;
  const unknownOutcome = (op: HistoryOperation) => op.outcome === "info" || op.outcome === undefined;

  if (kind === "counter") {
    const adds = history.filter((op) => op.f === "add");
    const amount = (op: HistoryOperation) => (op.input === undefined ? 1 : Number(op.input));
    const sure = adds.filter((op) => op.outcome === "ok").reduce((sum, op) => sum + amount(op), 0);
    const maybe = adds.filter(unknownOutcome).map(amount);
    const low = sure + maybe.filter((a) => a < 0).reduce((s, a) => s + a, 0);
    const high = sure + maybe.filter((a) => a > 0).reduce((s, a) => s + a, 0);
    const value = Number(agreed.output);
    Object.assign(details, { value, expectedLow: low, expectedHigh: high });
    if (value < low) {
      return verdict(false, `lost-update: every replica reads ${value}, but the acknowledged adds sum to at least ${low} (at most ${high} with the unknown ones)`, {
        anomaly: "lost-update",
        witness: checked.map((r) => r.id).sort((a, b) => a - b),
        details,
      });
    }
    if (value > high) {
      return verdict(false, `phantom-update: every replica reads ${value}, more than all adds could make (${high})`, {
        anomaly: "phantom-update",
        witness: checked.map((r) => r.id).sort((a, b) => a - b),
        details,
      });
    }
    return verdict(true, `converged: ${checked.length} replicas read ${value}, within the expected [${low}, ${high}]`, { details });
  }

  if (kind === "set") {
    const present = new Set(((agreed.output as unknown[] | undefined) ?? []).map(canonicalJson));
    const adds = history.filter((op) => op.f === "add");
    const lost = adds.filter((op) => op.outcome === "ok" && !present.has(canonicalJson(op.input)));
    if (lost.length > 0) {
      return verdict(false, `lost-update: ${lost.length} acknowledged add(s) missing from every replica's final read, first ${JSON.stringify(lost[0]!.input)} (#${lost[0]!.id})`, {
        anomaly: "lost-update",
        witness: [lost[0]!.id, agreed.id].sort((a, b) => a - b),
        details: { ...details, lost: lost.map((op) => op.id) },
      });
    }
    const possible = new Set(adds.filter((op) => op.outcome !== "fail").map((op) => canonicalJson(op.input)));
    const phantom = [...present].filter((element) => !possible.has(element));
    if (phantom.length > 0) {
      return verdict(false, `phantom-update: the replicas hold ${phantom.join(", ")}, which no add put there`, {
        anomaly: "phantom-update",
        witness: [agreed.id],
        details: { ...details, phantom },
      });
    }
    return verdict(true, `converged: ${checked.length} replicas hold the same ${present.size} elements, every acknowledged add among them`, { details });
  }

  const written = new Set(history.filter((op) => op.f === "write" && op.outcome !== "fail").map((op) => canonicalJson(op.input)));
  const value = canonicalJson(agreed.output ?? null);
  if (value !== "null" && !written.has(value)) {
    return verdict(false, `phantom-update: the replicas agree on ${value}, which no write wrote`, { anomaly: "phantom-update", witness: [agreed.id], details });
  }
  return verdict(true, `converged: ${checked.length} replicas read ${value}`, { details });
}
