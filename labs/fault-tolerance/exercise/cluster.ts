/**
 * Runs the answer as real OS processes over ZeroMQ (runtime/net), with a real
 * SIGKILL and a restart from the durable storage on disk. The node processes
 * get the program as source text and evaluate it with `new Function`, outside
 * any SES Compartment: the sandbox around this whole job (its own uid,
 * namespaces, loopback-only network, limits) is what confines them.
 */
import { runCluster, type NodeProgram } from "../../../runtime/index.js";
import type { JsonValue } from "../../../grader/lab/types.js";
import { judgeHistory } from "./checks.js";
import { encodeHistory } from "./compact.js";
import type { ClusterParams, RunObservation } from "./params.js";
import { windowAround } from "./window.js";

export async function runRealCluster(kvNode: NodeProgram, params: ClusterParams, emit: (observation: JsonValue) => void): Promise<void> {
  for (const seed of params.seeds) {
    let observation: RunObservation;
    try {
      const run = await runCluster(kvNode, {
        seed,
        nodes: params.nodes,
        durationMs: params.durationMs,
        faults: params.faults,
        workload: params.workload,
        printLogs: false,
        live: false,
      });
      observation = { kind: "run", seed, replay: run.replay, endMs: run.record.endMs, history: encodeHistory(run.record.history) };
      const judgement = judgeHistory(run.record.history, params.liveness);
      if (!judgement.ok) observation.window = windowAround(run.record, judgement.verdict, params.liveness.fromMs);
    } catch (error) {
      observation = { kind: "run", seed, replay: "", endMs: 0, history: [], error: String((error as Error)?.message ?? error) };
    }
    emit(observation as unknown as JsonValue);
  }
}
