/**
 * Linearizability of a history against a model (register, key-value map,
 * counter, set, queue, or your own), per key. The verdict names the anomaly
 * "nonlinearizable" with a minimal witness on the first failing key, the
 * longest linearizable order the search found, and the operation it could
 * not get past; or `unknown` when the search budget ran out.
 */
import type { CheckVerdict } from "../core/history.js";
import { checkKey, partitionByKey, type KeyOperation } from "./key-history.js";
import { modelNamed, type AnyModel, type ModelName } from "./models.js";
import { historyOf, runOf, withReplay, type CheckInput } from "./run-input.js";
import { minimalWitness } from "./witness.js";

export interface LinearizabilityOptions {
  /** The sequential specification. @default "register" ("kv" is the same: every model is checked per key) */
  model?: ModelName | AnyModel;
  /** Search steps allowed per key before answering `unknown`. @default 5_000_000 */
  maxSteps?: number;
  /** Search steps allowed for shrinking the witness; 0 reports the whole failing key. @default 5_000_000 */
  shrinkSteps?: number;
}

interface KeyVerdict {
  key: string;
  ops: number;
  steps: number;
  result: "ok" | "fail" | "unknown";
}

const describe = (op: KeyOperation): string => {
  const io = op.f === "read" || op.f === "dequeue" ? ` → ${JSON.stringify(op.output)}` : op.input === undefined ? "" : ` ${JSON.stringify(op.input)}`;
  const outcome = op.pending ? " (outcome unknown)" : op.output === false && op.f === "cas" ? " → false" : "";
  return `#${op.id} ${op.client} ${op.f}${io}${outcome} [${op.call}, ${op.pending ? "∞" : op.ret}]`;
};

export function checkLinearizability(input: CheckInput, options: LinearizabilityOptions = {}): CheckVerdict {
  return withReplay(judge(historyOf(input), options), runOf(input));
}

function judge(history: ReturnType<typeof historyOf>, options: LinearizabilityOptions): CheckVerdict {
  const model = modelNamed(options.model ?? "register");
  const maxSteps = options.maxSteps ?? 5_000_000;
  const shrinkSteps = options.shrinkSteps ?? 5_000_000;
  const keys = partitionByKey(history);
  const perKey: KeyVerdict[] = [];
  let failing: { key: string; ops: KeyOperation[]; result: ReturnType<typeof checkKey> } | undefined;
  let totalSteps = 0;

  for (const [key, ops] of keys) {
    const result = checkKey(model, ops, maxSteps);
    totalSteps += result.steps;
    perKey.push({ key, ops: ops.length, steps: result.steps, result: result.result });
    if (result.result === "fail" && failing === undefined) failing = { key, ops, result };
  }
  const details: Record<string, unknown> = { model: model.name, keys: keys.size, operations: history.length, steps: totalSteps, perKey };

  if (failing !== undefined) {
    const { key, ops, result } = failing;
    const stuck = result.stuck === undefined ? undefined : result.kept[result.stuck];
    const witness = minimalWitness(model, ops, shrinkSteps, stuck?.ret);
    const longest = result.longest.map((i) => result.kept[i]!.id);
    const failingKeys = perKey.filter((k) => k.result === "fail").map((k) => k.key);
    const keyName = key === "" ? "the history" : `key ${JSON.stringify(key)}`;
    const lines = [
      `nonlinearizable: on ${keyName}, ${witness.ops.length === 1 ? "this operation has" : `these ${witness.ops.length} operations have`} no legal order that respects real time${witness.exhausted ? " (shrinking stopped at its budget; a smaller witness may exist)" : ""}:`,
      ...witness.ops.map((op) => `  ${describe(op)}${op === witness.culprit ? (witness.timing ? "   <- could happen, but not at this time" : "   <- fits at no point of any order") : ""}`),
      `The longest linearizable order found has ${longest.length} of ${result.kept.length} operations and leaves the ${model.name} at ${model.show(result.longestState)}` +
        (stuck === undefined ? "." : `; it cannot get past ${describe(stuck)}.`),
    ];
    if (failingKeys.length > 1) lines.push(`Other failing keys: ${failingKeys.slice(1).map((k) => JSON.stringify(k)).join(", ")}.`);
    return {
      checker: "linearizability",
      ok: false,
      anomaly: "nonlinearizable",
      message: lines.join("\n"),
      witness: witness.ops.map((op) => op.id).sort((a, b) => a - b),
      details: {
        ...details,
        key,
        failingKeys,
        longestLinearizable: longest,
        stateAfterLongest: model.show(result.longestState),
        stuckOperation: stuck?.id,
        culprit: witness.culprit?.id,
        culpritFitsNowhere: witness.timing === false,
        prefixEndMs: witness.prefixEndMs,
        shrinkExhausted: witness.exhausted,
        shrinkSteps: witness.steps,
      },
    };
  }
  const unknownKeys = perKey.filter((k) => k.result === "unknown").map((k) => k.key);
  if (unknownKeys.length > 0) {
    return {
      checker: "linearizability",
      ok: false,
      unknown: true,
      message: `unknown: the search gave up after ${maxSteps} steps on ${unknownKeys.length} key(s) (${unknownKeys.map((k) => JSON.stringify(k)).join(", ")}) without finding a violation; raise maxSteps or shorten the history (too many concurrent clients or pending operations make the search explode)`,
      details: { ...details, unknownKeys },
    };
  }
  return {
    checker: "linearizability",
    ok: true,
    message: `linearizable: ${history.length} operations on ${keys.size} key(s) against the ${model.name} model`,
    details,
  };
}
