import type { RunEvent } from "../core/history.js";
import { CheckInputError } from "./errors.js";

/** One observation a node wrote into the run's log, with who wrote it and when. */
export interface LoggedObservation {
  node: string;
  atMs: number;
  body: unknown;
}

/**
 * The observations nodes report through `node.log(prefix + JSON)` lines
 * (consensus roles and commits, MapReduce outputs, ledger blocks): every log
 * event whose detail starts with `prefix`, its JSON parsed. A line that is not
 * JSON is a bad observation, not something to skip (`what` names the kind in
 * the error).
 */
export function loggedObservations(events: readonly RunEvent[], prefix: string, what: string): LoggedObservation[] {
  const out: LoggedObservation[] = [];
  for (const event of events) {
    if (event.kind !== "log" || !event.detail?.startsWith(prefix)) continue;
    let body: unknown;
    try {
      body = JSON.parse(event.detail.slice(prefix.length));
    } catch (error) {
      throw new CheckInputError("bad-observation", `a ${what} log line at ${event.atMs} ms is not JSON: ${event.detail} (${String(error)})`);
    }
    out.push({ node: event.node ?? "?", atMs: event.atMs, body });
  }
  return out;
}
