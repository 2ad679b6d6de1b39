/** Runs the answer without clients, once per seed, and reports what its failure detector logged. */
import { simulate, type NodeProgram } from "../../../runtime/index.js";
import type { JsonValue } from "../../../grader/lab/types.js";
import { SUSPECT_LOG, TRUST_LOG } from "./api.js";
import type { DetectorObservation, DetectorParams } from "./params.js";

export async function runDetector(kvNode: NodeProgram, params: DetectorParams, emit: (observation: JsonValue) => void): Promise<void> {
  for (const seed of params.seeds) {
    let observation: DetectorObservation;
    try {
      const run = await simulate(kvNode, {
        seed,
        nodes: params.nodes,
        durationMs: params.durationMs,
        network: params.network,
        faults: [{ atMs: params.crash.atMs, fault: "crash", node: params.crash.node }],
        progress: false,
        recordMessages: false,
      });
      const beliefs: DetectorObservation["beliefs"] = [];
      for (const event of run.record.events) {
        if (event.kind !== "log" || event.node === undefined) continue;
        const [word, peer, ...rest] = (event.detail ?? "").split(" ");
        if ((word === SUSPECT_LOG || word === TRUST_LOG) && peer !== undefined && rest.length === 0) beliefs.push([event.atMs, event.node, word, peer]);
      }
      observation = { kind: "detector", seed, replay: run.replay, endMs: run.record.endMs, beliefs };
    } catch (error) {
      observation = { kind: "detector", seed, replay: "", endMs: 0, beliefs: [], error: String((error as Error)?.message ?? error) };
    }
    emit(observation as unknown as JsonValue);
  }
}
