/**
 * runScenario end to end on the fixture lab: a correct submission passes in
 * the sandbox (main thread, confined worker threads, the runtime after
 * lockdown) and as a plain child process, with the isolation in force
 * reported on every outcome.
 */
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { compileSubmission, readSubmission } from "../../grader/lab/submission.js";
import type { ScenarioSpec } from "../../grader/lab/types.js";
import { detectIsolation, runScenario } from "../../grader/runner/index.js";
import { fixtureLab, fixtureRoot } from "../fixtures/grader-lab/lab.js";

const distRoot = join(new URL("../..", import.meta.url).pathname, "dist");
const good = compileSubmission(readSubmission(join(fixtureRoot, "good.ts")), fixtureLab.exports);
const [solve, tally] = fixtureLab.scenarios as [ScenarioSpec, ScenarioSpec];
const explore: ScenarioSpec = { id: "fixture/explore", title: "explore", points: 0, visibility: "hidden", params: { kind: "explore" } };

describe.each(["auto", "none"] as const)("isolation %s", (isolation) => {
  test("a correct submission passes both scenarios; the report names the isolation in force", async () => {
    for (const scenario of [solve, tally]) {
      const outcome = await runScenario(fixtureLab, scenario, good, { distRoot, exerciseRoot: fixtureRoot, isolation });
      expect(outcome).toMatchObject({ exit: "ok", isolation: detectIsolation({ isolation }) });
      expect(fixtureLab.judge(scenario, outcome, {})).toMatchObject({ status: "passed", points: scenario.points });
    }
  });
});

test("the runtime (schedule explorer) still works after lockdown", async () => {
  const outcome = await runScenario(fixtureLab, explore, good, { distRoot, exerciseRoot: fixtureRoot });
  expect(outcome.exit).toBe("ok");
  const [{ failures }] = outcome.observations as [{ failures: string[] }];
  expect(failures.length).toBeGreaterThan(0);
  expect(failures).toContainEqual(expect.stringContaining("counter is 1, expected 2"));
});

test("a submission that throws gets an error outcome with its message, and its console output as the log", async () => {
  const code = { name: "throws.ts", js: 'exports.solve = () => { console.log("thinking", { n: 1 }); throw new Error("not implemented yet"); }; exports.tally = () => {};' };
  const outcome = await runScenario(fixtureLab, solve, code, { distRoot, exerciseRoot: fixtureRoot });
  expect(outcome).toMatchObject({ exit: "error", message: "not implemented yet", log: 'thinking {"n":1}\n', observations: [] });
});

test("the isolation report on this machine is honest about what is missing", () => {
  const report = detectIsolation();
  expect(report.summary.startsWith("isolation: ")).toBe(true);
  if (report.mode !== "bwrap") expect(report.missing.length).toBeGreaterThan(0);
});
