/**
 * The fault-tolerance lab's judge, in the grader: it re-checks every seed's
 * history (linearizability, then liveness once the faults are over) or the
 * detector's beliefs, and fails the scenario on the first seed that fails,
 * naming it with its witness, its replay line and a diagram. Observations are
 * evidence, not verdicts: anything missing or malformed fails the scenario
 * with a message, never crashes the grader.
 */
import type { ExerciseOutcome, JsonValue, ScenarioSpec, Verdict } from "../../grader/lab/types.js";
import { judgeHistory } from "./exercise/checks.js";
import { decodeHistory } from "./exercise/compact.js";
import type { ClusterParams, DetectorParams, ScenarioParams, SimulatedParams } from "./exercise/params.js";
import { beliefFigure, runFigure } from "./judge-figure.js";

type Base = Pick<Verdict, "scenario" | "title" | "maxPoints">;

const passed = (base: Base, message: string): Verdict => ({ ...base, points: base.maxPoints, status: "passed", message });
function failed(base: Base, message: string, extra: { details?: string; seed?: number; figure?: JsonValue } = {}): Verdict {
  return {
    ...base,
    points: 0,
    status: "failed",
    message,
    ...(extra.details !== undefined ? { details: extra.details } : {}),
    ...(extra.seed !== undefined ? { seed: extra.seed } : {}),
    ...(extra.figure !== undefined ? { figure: extra.figure } : {}),
  };
}

type Observed = Record<string, unknown>;

/** The observation for each seed, by seed; a second one for the same seed is suspicious and refused. */
function bySeed(outcome: ExerciseOutcome, kind: string): Map<number, Observed> | string {
  const seen = new Map<number, Observed>();
  for (const observation of outcome.observations) {
    if (observation === null || typeof observation !== "object" || Array.isArray(observation)) continue;
    const o = observation as Observed;
    if (o.kind !== kind || !Number.isInteger(o.seed)) continue;
    if (seen.has(o.seed as number)) return `seed ${o.seed} was reported twice`;
    seen.set(o.seed as number, o);
  }
  return seen;
}

const replayOf = (o: Observed) => (typeof o.replay === "string" ? o.replay : "");

function judgeRuns(base: Base, params: SimulatedParams | ClusterParams, outcome: ExerciseOutcome): Verdict {
  const observed = bySeed(outcome, "run");
  if (typeof observed === "string") return failed(base, `malformed observations: ${observed}`);
  let operations = 0;
  for (const seed of params.seeds) {
    const o = observed.get(seed);
    if (o === undefined) return failed(base, `seed ${seed}: no run was reported`, { seed });
    if (typeof o.error === "string") return failed(base, `seed ${seed}: the run failed: ${o.error.split("\n")[0]}`, { seed, details: `${o.error}\n${replayOf(o)}` });
    const history = decodeHistory(o.history);
    if (typeof history === "string") return failed(base, `seed ${seed}: malformed history: ${history}`, { seed });
    operations += history.length;
    const judgement = judgeHistory(history, params.liveness);
    if (!judgement.ok) {
      const endMs = typeof o.endMs === "number" && Number.isFinite(o.endMs) ? o.endMs : params.durationMs;
      const where = params.kind === "cluster" ? "real processes" : "the simulator";
      return failed(base, `seed ${seed}: ${judgement.message.split("\n")[0]}`, {
        seed,
        details: `${judgement.message}\n\nin ${where}; the run's replay line:\n${replayOf(o)}`,
        ...figureField(runFigure(history, endMs, judgement.verdict, o.window, `${base.scenario}, seed ${seed}: ${judgement.anomaly}`)),
      });
    }
  }
  return passed(base, `all ${params.seeds.length} seed${params.seeds.length === 1 ? "" : "s"} linearizable and live (${operations} operations)`);
}

const figureField = (figure: JsonValue | undefined) => (figure === undefined ? {} : { figure });

function judgeDetector(base: Base, params: DetectorParams, outcome: ExerciseOutcome): Verdict {
  const observed = bySeed(outcome, "detector");
  if (typeof observed === "string") return failed(base, `malformed observations: ${observed}`);
  const nodes = Array.from({ length: params.nodes }, (_, i) => `n${i}`);
  const live = nodes.filter((n) => n !== params.crash.node);
  for (const seed of params.seeds) {
    const o = observed.get(seed);
    if (o === undefined) return failed(base, `seed ${seed}: no run was reported`, { seed });
    if (typeof o.error === "string") return failed(base, `seed ${seed}: the run failed: ${o.error.split("\n")[0]}`, { seed });
    const beliefs = Array.isArray(o.beliefs) ? o.beliefs.filter(isBelief) : undefined;
    if (beliefs === undefined || beliefs.length !== (o.beliefs as unknown[]).length) return failed(base, `seed ${seed}: malformed detector observations`, { seed });
    const endMs = params.durationMs;
    const problem = detectorProblem(beliefs, live, params);
    if (problem !== undefined) {
      return failed(base, `seed ${seed}: failure detector: ${problem}`, {
        seed,
        details: `The detector's log lines ("suspect <peer>", "trust <peer>") of seed ${seed}:\n${beliefs.map(([t, n, w, p]) => `  ${t.toFixed(1)} ms  ${n} ${w} ${p}`).join("\n") || "  (none)"}\n\nreplay: ${replayOf(o)}`,
        figure: beliefFigure(beliefs, endMs, params.crash, `${base.scenario}, seed ${seed}: what each node suspected`),
      });
    }
  }
  return passed(base, `all ${params.seeds.length} seeds: the crash was detected in time and live nodes were trusted again`);
}

/** After accurateFromMs, per (node, live peer): how many false suspicions are tolerated, and how long each may last. */
const MAX_LATE_MISTAKES = 2;
const MAX_MISTAKE_MS = 500;

/** [from, to] of each time `beliefs` (about one peer, in time order) held a suspicion; an open one lasts until `endMs`. */
function suspicionIntervals(beliefs: Array<[number, string, string, string]>, endMs: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let since: number | undefined;
  for (const [t, , word] of beliefs) {
    if (word === "suspect" && since === undefined) since = t;
    if (word === "trust" && since !== undefined) {
      out.push([since, t]);
      since = undefined;
    }
  }
  if (since !== undefined) out.push([since, endMs]);
  return out;
}

const isBelief = (b: unknown): b is [number, string, string, string] =>
  Array.isArray(b) && b.length === 4 && typeof b[0] === "number" && typeof b[1] === "string" && (b[2] === "suspect" || b[2] === "trust") && typeof b[3] === "string";

/** What the detector got wrong, or undefined: completeness for the crashed node, eventual accuracy for the live ones. */
function detectorProblem(beliefs: Array<[number, string, string, string]>, live: string[], params: DetectorParams): string | undefined {
  const crashed = params.crash.node;
  const deadline = params.crash.atMs + params.detectWithinMs;
  for (const node of live) {
    const mine = beliefs.filter(([, n]) => n === node);
    // Completeness: suspected by the deadline, and never trusted again afterwards.
    const aboutCrashed = mine.filter(([, , , p]) => p === crashed);
    const firstAfterCrash = aboutCrashed.find(([t, , w]) => w === "suspect" && t >= params.crash.atMs);
    const stateAt = (peer: string, t: number) => mine.filter(([at, , , p]) => p === peer && at <= t).at(-1)?.[2] ?? "trust";
    if (stateAt(crashed, deadline) !== "suspect") {
      return `${node} never suspected ${crashed}, which crashed at ${params.crash.atMs} ms (not by ${deadline} ms${firstAfterCrash ? `; only at ${firstAfterCrash[0].toFixed(0)} ms` : ""}): without suspicion there is no failover, and the store stays unavailable`;
    }
    const retrusted = aboutCrashed.find(([t, , w]) => w === "trust" && t > deadline);
    if (retrusted) return `${node} trusted the crashed ${crashed} again at ${retrusted[0].toFixed(0)} ms, though it never came back`;
    // Eventual accuracy: from accurateFromMs on, mistakes about live peers are rare and short.
    for (const peer of live.filter((p) => p !== node)) {
      const suspicions = suspicionIntervals(mine.filter(([, , , p]) => p === peer), params.durationMs).filter(([, to]) => to > params.accurateFromMs);
      if (suspicions.length > MAX_LATE_MISTAKES) {
        return `${node} suspected live ${peer} ${suspicions.length} times after ${params.accurateFromMs} ms (message loss only, at most ${MAX_LATE_MISTAKES} allowed): a detector that never learns from its mistakes suspects live nodes forever`;
      }
      const long = suspicions.find(([from, to]) => to - Math.max(from, params.accurateFromMs) > MAX_MISTAKE_MS && params.durationMs - from > MAX_MISTAKE_MS);
      if (long) return `${node} suspected live ${peer} from ${long[0].toFixed(0)} ms for more than ${MAX_MISTAKE_MS} ms (message loss only): a live node must be trusted again once its heartbeats arrive`;
    }
  }
  return undefined;
}

export function judge(scenario: ScenarioSpec, outcome: ExerciseOutcome): Verdict {
  const base: Base = { scenario: scenario.id, title: scenario.title, maxPoints: scenario.points };
  if (outcome.exit !== "ok") return failed(base, `the exercise did not finish (${outcome.exit})${outcome.message ? `: ${outcome.message.split("\n")[0]}` : ""}`, { details: outcome.message ?? "" });
  const params = scenario.params as unknown as ScenarioParams;
  switch (params.kind) {
    case "simulated":
    case "cluster":
      return judgeRuns(base, params, outcome);
    case "detector":
      return judgeDetector(base, params, outcome);
  }
}

/** The scenario narrowed to one seed, for `--only <scenario> --seed <n>`. */
export function withSeed(scenario: ScenarioSpec, seed: number): ScenarioSpec {
  const params = scenario.params as unknown as ScenarioParams;
  return { ...scenario, params: { ...(params as unknown as Record<string, JsonValue>), seeds: [seed] } };
}
