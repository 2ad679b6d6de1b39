/**
 * The picture of a failing seed: the Lamport diagram of the messages around
 * the anomaly, with a star where a node became leader (labelled with its
 * term) and the witness marked; the operation timeline when no messages came
 * (for example a run the exercise could not trace).
 */
import { lamportDiagram, operationTimeline, type RunRecord } from "../../runtime/index.js";
import type { JsonValue } from "../../grader/lab/types.js";
import type { SeedObservation, SeedProblem } from "./exercise/seed-verdict.js";

const LEADER_COLOUR = "#2ca02c";

function plain(figure: { data: unknown; layout?: unknown }): JsonValue {
  return JSON.parse(JSON.stringify({ data: figure.data, layout: figure.layout })) as JsonValue;
}

function recordOf(run: SeedObservation): RunRecord {
  return { nodes: run.nodes, clients: run.clients, messages: run.messages ?? [], events: run.faults, history: run.history, endMs: run.endMs, replay: run.replay };
}

export function seedFigure(run: SeedObservation, problem: SeedProblem): JsonValue | undefined {
  const title = `seed ${run.seed}: ${problem.message}`.slice(0, 140);
  try {
    if (run.messages !== undefined && run.messages.length > 0) {
      const toMs = Math.min(problem.toMs, run.endMs);
      const figure = lamportDiagram(recordOf(run), { title, fromMs: problem.fromMs, toMs });
      const leaders = run.trace.leaders.filter(([node, atMs]) => atMs >= problem.fromMs && atMs <= toMs && figure.lanes.includes(node));
      const data = [
        ...(figure.data as unknown[]),
        {
          type: "scatter",
          mode: "markers+text",
          name: "becomes leader",
          x: leaders.map(([, atMs]) => atMs),
          y: leaders.map(([node]) => figure.lanes.indexOf(node)),
          text: leaders.map(([, , term]) => `term ${term}`),
          textposition: "top center",
          marker: { symbol: "star", size: 14, color: LEADER_COLOUR },
          hovertext: leaders.map(([node, atMs, term]) => `${node} leads term ${term} from ${atMs} ms`),
          hoverinfo: "text",
        },
      ];
      return plain({ data, layout: figure.layout });
    }
    return plain(operationTimeline(recordOf(run), { checker: "consensus", ok: false, message: problem.message, witness: problem.witnessOps ?? [] }, { title }));
  } catch {
    return undefined; // no picture is better than no verdict
  }
}
