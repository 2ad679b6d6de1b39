/**
 * The shape of what the consensus exercise reports, checked before anything
 * reads it: observations cross from the sandbox, where the submission ran, so
 * a malformed one is a failed scenario with a clear message, never a crash of
 * the grader.
 */
import type { JsonValue } from "../../grader/lab/types.js";
import type { SeedObservation } from "./exercise/seed-verdict.js";

const isInt = (x: unknown): x is number => Number.isInteger(x);
const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === "string";
const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === "object" && !Array.isArray(x);
const rows = (x: unknown, row: (r: unknown[]) => boolean) => Array.isArray(x) && x.every((r) => Array.isArray(r) && row(r));

/** Why `value` is not a seed observation, or undefined when it is one. */
export function malformedSeed(value: JsonValue): string | undefined {
  if (!isObj(value) || value.kind !== "seed") return "not a seed observation";
  if (!isInt(value.seed)) return "seed is not an integer";
  if (!isStr(value.replay) || !isNum(value.endMs)) return "replay or endMs missing";
  if (!Array.isArray(value.nodes) || !value.nodes.every(isStr) || !Array.isArray(value.clients) || !value.clients.every(isStr)) return "nodes or clients missing";
  const trace = value.trace;
  if (!isObj(trace)) return "trace missing";
  if (!rows(trace.leaders, ([n, t, term]) => isStr(n) && isNum(t) && isInt(term))) return "trace.leaders malformed";
  if (!rows(trace.leaderLogs, ([n, t, term, entries]) => isStr(n) && isNum(t) && isInt(term) && rows(entries, ([id]) => id === null || isStr(id)))) {
    return "trace.leaderLogs malformed";
  }
  if (!rows(trace.commits, ([n, t, term, index, id]) => isStr(n) && isNum(t) && isInt(term) && isInt(index) && (id === null || isStr(id)))) return "trace.commits malformed";
  if (!rows(trace.invalid, ([n, t, what]) => isStr(n) && isNum(t) && isStr(what))) return "trace.invalid malformed";
  if (!rows(value.threw, ([n, t, what]) => isStr(n) && isNum(t) && isStr(what))) return "threw malformed";
  if (!Array.isArray(value.history) || !value.history.every((op) => isObj(op) && isInt(op.id) && isStr(op.client) && isStr(op.f) && isNum(op.invokeMs))) {
    return "history malformed";
  }
  if (!isInt(value.refused)) return "refused missing";
  if (!Array.isArray(value.faults) || !value.faults.every((e) => isObj(e) && isNum(e.atMs) && isStr(e.kind))) return "faults malformed";
  if (value.messages !== undefined && !(Array.isArray(value.messages) && value.messages.every((m) => isObj(m) && isStr(m.src) && isStr(m.dest) && isNum(m.sentMs)))) {
    return "messages malformed";
  }
  return undefined;
}

export function asSeedObservation(value: JsonValue): SeedObservation {
  return value as unknown as SeedObservation;
}
