/** Runs the answer in the simulator once per seed and reports each run's history. */
import { simulate, type NodeProgram } from "../../../runtime/index.js";
import type { JsonValue } from "../../../grader/lab/types.js";
import { judgeHistory } from "./checks.js";
import { encodeHistory } from "./compact.js";
import type { RunObservation, SimulatedParams } from "./params.js";
import { windowAround } from "./window.js";

export async function runSimulated(kvNode: NodeProgram, params: SimulatedParams, emit: (observation: JsonValue) => void): Promise<void> {
  let windowSent = false;
  for (const seed of params.seeds) {
    const spec = {
      seed,
      nodes: params.nodes,
      durationMs: params.durationMs,
      faults: params.faults,
      workload: params.workload,
      ...(params.network ? { network: params.network } : {}),
    };
    let observation: RunObservation;
    try {
      const run = await simulate(kvNode, { ...spec, progress: false, recordLogs: false });
      observation = { kind: "run", seed, replay: run.replay, endMs: run.record.endMs, history: encodeHistory(run.record.history) };
      if (!windowSent) {
        const judgement = judgeHistory(run.record.history, params.liveness);
        if (!judgement.ok) {
          observation.window = windowAround(run.record, judgement.verdict, params.liveness.fromMs);
          windowSent = true;
        }
      }
    } catch (error) {
      const replay = (error as { replay?: unknown }).replay;
      observation = { kind: "run", seed, replay: typeof replay === "string" ? replay : "", endMs: 0, history: [], error: String((error as Error)?.message ?? error) };
    }
    emit(observation as unknown as JsonValue);
  }
}
