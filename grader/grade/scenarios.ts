/** Which scenarios a run grades: all of them, or those named with `--only`, narrowed to one seed with `--seed`. */
import { GraderError } from "../errors.js";
import type { PublicLab, ScenarioSpec } from "../lab/types.js";

export function selectScenarios(lab: PublicLab, only?: readonly string[], seed?: number): ScenarioSpec[] {
  let chosen = [...lab.scenarios];
  if (only && only.length > 0) {
    const byId = new Map(lab.scenarios.map((scenario) => [scenario.id, scenario]));
    const unknown = only.filter((id) => !byId.has(id));
    if (unknown.length > 0) {
      throw new GraderError(
        "unknown-scenario",
        `lab ${lab.id} has no scenario ${unknown.map((id) => JSON.stringify(id)).join(", ")}; its scenarios are: ${lab.scenarios.map((s) => s.id).join(", ")}`,
      );
    }
    chosen = [...new Set(only)].map((id) => byId.get(id)!);
  }
  if (seed === undefined) return chosen;
  if (!Number.isSafeInteger(seed)) throw new GraderError("bad-arguments", `--seed must be an integer, got ${seed}`);
  if (!lab.withSeed) throw new GraderError("bad-arguments", `lab ${lab.id} has no seeded scenarios, so --seed does not apply`);
  return chosen.map((scenario) => lab.withSeed!(scenario, seed));
}

/** Quotes a command-line word only when the shell needs it. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The one-line command that re-runs a scenario, with the failing seed when there is one. */
export function replayCommand(submission: string, labId: string, scenarioId: string, seed?: number): string {
  const words = ["npx", "pardis", "grade", shellWord(submission), "--lab", labId, "--only", shellWord(scenarioId)];
  if (seed !== undefined) words.push("--seed", String(seed));
  return words.join(" ");
}
