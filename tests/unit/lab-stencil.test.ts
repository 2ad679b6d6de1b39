/**
 * The stencil-speedup lab against its reference (the instructor notebook) and
 * its known-wrong variants, run in this process (trusted code: the lab's own
 * solutions) on real worker threads. Correctness verdicts come from real
 * runs; speedup bands are checked on synthetic timings (timing claims belong
 * in benchmarks), plus one real measurement of the serial variant, which has
 * no speedup on any machine.
 */
import { beforeAll, describe, expect, test } from "vitest";
import type { ExerciseModule, ExerciseOutcome, LabDefinition, ScenarioSpec, SubmissionCode, Verdict } from "../../grader/lab/types.js";
import { compileSubmission } from "../../grader/lab/submission.js";
import { runExerciseInProcess } from "../../grader/runner/in-process.js";
import { loadLabUnderTest } from "../support/labs.js";


let lab: LabDefinition;
let exercise: ExerciseModule;
let reference: SubmissionCode;
let variantCode: ReadonlyMap<string, SubmissionCode>;

beforeAll(async () => {
  ({ lab, exercise, reference, variants: variantCode } = await loadLabUnderTest("stencil-speedup"));
});

function scenario(id: string): ScenarioSpec {
  const found = lab.scenarios.find((s) => s.id === id);
  if (!found) throw new Error(`no scenario ${id}`);
  return found;
}

const correctness = () => lab.scenarios.filter((s) => (s.params as { kind: string }).kind === "correctness");

async function judged(code: SubmissionCode, spec: ScenarioSpec, referenceOutcome?: ExerciseOutcome): Promise<Verdict> {
  const outcome = await runExerciseInProcess(exercise, spec, code);
  return lab.judge(spec, outcome, referenceOutcome ? { reference: referenceOutcome } : {});
}

/** Noise around 1 with a median of exactly 1 (as a busy two-core machine gives, but known): medians stay what a test says. */
const NOISE = [1, 0.88, 1.12, 0.95, 1.05, 0.9, 1.1];

/** The outcome with its timings replaced by made-up ones (the checksums stay real): what the judge sees, without the clock. */
function withTimings(outcome: ExerciseOutcome, sequentialMs: number, parallelMs: number, oneWorkerMs = sequentialMs): ExerciseOutcome {
  let repetition = 0;
  const observations = outcome.observations.map((observation) => {
    if ((observation as { kind?: string })?.kind !== "timing") return observation;
    const noise = NOISE[repetition++ % NOISE.length]!;
    const other = NOISE[(repetition + 2) % NOISE.length]!;
    return { ...(observation as object), sequentialMs: sequentialMs * noise, parallelMs: parallelMs * other, oneWorkerMs: oneWorkerMs * other };
  });
  return { ...outcome, observations };
}

/** A speedup scenario's outcome with made-up timings and matching checksums, on a real run's staggered check. */
function syntheticOutcome(spec: ScenarioSpec, checkRun: ExerciseOutcome, sequentialMs: number, parallelMs: number, oneWorkerMs = sequentialMs): ExerciseOutcome {
  const { repetitions } = spec.params as { repetitions: number };
  const grid = checkRun.observations.find((o) => (o as { kind?: string }).kind === "grid")!;
  const timings = Array.from({ length: repetitions }, (_, repetition) => ({ kind: "timing", repetition, seed: repetition, sequentialMs: 1, parallelMs: 1, oneWorkerMs: 1, checksum: 7, oneWorkerChecksum: 7, expectedChecksum: 7 }));
  return withTimings({ exit: "ok", observations: [grid, ...timings], log: "", wallMs: 1 }, sequentialMs, parallelMs, oneWorkerMs);
}

/** The scenario with fewer and shorter timed repetitions: the same grids and checks, less waiting (timings are synthetic in these tests). */
function shortened(spec: ScenarioSpec): ScenarioSpec {
  const params = spec.params as { kind: string };
  return params.kind === "speedup" ? { ...spec, params: { ...params, repetitions: 1, targetMs: 40 } } : spec;
}

describe("stencil-speedup: the reference", () => {
  test("scores full marks on every correctness scenario", async () => {
    for (const spec of correctness()) {
      const verdict = await judged(reference, spec);
      expect(verdict, spec.id).toMatchObject({ status: "passed", points: spec.points });
    }
  });

  test("scores full speedup points against itself (speedup ratio 1)", async () => {
    const spec = scenario("speedup/quick");
    const outcome = await runExerciseInProcess(exercise, spec, reference);
    const verdict = lab.judge(spec, outcome, { reference: outcome });
    // On an idle two-core machine the reference reaches ~1.8x; on a machine too busy to show any speedup the judge refuses to grade rather than guess.
    if (verdict.status === "failed") expect(verdict.message).toMatch(/^cannot grade speedup: the reference itself reached only/);
    else expect(verdict).toMatchObject({ status: "passed", points: spec.points });
    console.log(`reference on ${spec.id}: ${verdict.message}`);
  });
});

describe("stencil-speedup: each known-wrong variant fails exactly its scenarios", () => {
  test.each(["no-halo.ts", "no-sync.ts", "barrier-too-late.ts", "off-by-one-split.ts"])("%s", async (file) => {
    const variant = lab.variants.find((v) => v.file === file)!;
    const failed: string[] = [];
    for (const spec of lab.scenarios) {
      const isSpeedup = (spec.params as { kind: string }).kind === "speedup";
      // Speedup scenarios start with a staggered correctness check, then timed runs whose results are checked too:
      // both real here; only the timings are made up (a speedup of 1.8, the reference's on two idle cores), so no verdict depends on the clock.
      const run = shortened(spec);
      const outcome = await runExerciseInProcess(exercise, run, variantCode.get(file)!);
      const verdict = lab.judge(run, withTimings(outcome, 100, 100 / 1.8), isSpeedup ? { reference: syntheticOutcome(run, outcome, 100, 100 / 1.8) } : {});
      if (verdict.status === "failed") {
        failed.push(spec.id);
        expect(verdict.message, spec.id).toContain(variant.expect);
        expect(verdict.points).toBe(0);
        expect(verdict.seed, spec.id).toBeTypeOf("number");
      }
    }
    expect(failed.sort()).toEqual([...variant.fails].sort());
  });

  test("serial.ts: every correctness scenario passes; a real run has no speedup", async () => {
    const serial = variantCode.get("serial.ts")!;
    for (const spec of correctness()) expect(await judged(serial, spec), spec.id).toMatchObject({ status: "passed" });
    const spec = scenario("speedup/quick");
    const outcome = await runExerciseInProcess(exercise, spec, serial);
    const verdict = lab.judge(spec, outcome, { reference: syntheticOutcome(spec, outcome, 100, 100 / 1.8) });
    expect(verdict).toMatchObject({ status: "failed", points: 0 });
    expect(verdict.message).toContain("no parallel speedup");
    console.log(`serial on ${spec.id}: ${verdict.message}`);
  });
});

describe("stencil-speedup: the speedup score", () => {
  let checkOutcome: ExerciseOutcome;
  beforeAll(async () => {
    // Only the staggered check of a real run is needed: the timings are synthetic below.
    const spec = { ...scenario("speedup/two-workers"), params: { ...(scenario("speedup/two-workers").params as object), repetitions: 1 } };
    checkOutcome = await runExerciseInProcess(exercise, spec, reference);
  });

  const cases: Array<[string, number, number, "passed" | "failed", number]> = [
    // name, submission speedup, reference speedup, status, share of points
    ["as fast as the reference", 1.8, 1.8, "passed", 1],
    ["75% of the reference", 1.36, 1.8, "passed", 1],
    ["72% of the reference", 1.3, 1.8, "failed", 0.5],
    ["half of a strong reference", 2.0, 4.0, "failed", 0.5],
    ["just under half of a strong reference", 1.95, 4.0, "failed", 0],
    ["serial: 1.0x", 1.0, 1.8, "failed", 0],
    ["above half of a weak reference, but no real speedup", 1.2, 1.6, "failed", 0],
    ["slower than sequential", 0.7, 1.8, "failed", 0],
  ];
  test.each(cases)("%s", (_name, speedup, referenceSpeedup, status, share) => {
    const spec = scenario("speedup/two-workers");
    const submission = syntheticOutcome(spec, checkOutcome, 100, 100 / speedup);
    const referenceOutcome = syntheticOutcome(spec, checkOutcome, 100, 100 / referenceSpeedup);
    const verdict = lab.judge(spec, submission, { reference: referenceOutcome });
    expect(verdict).toMatchObject({ status, points: share * spec.points });
    expect(verdict.figure).toBeDefined();
  });

  test("one worker doing everything with faster code than the baseline (plain arrays under SES) still has no speedup", () => {
    const spec = scenario("speedup/two-workers");
    // 4x faster than the baseline, but exactly as fast on one worker as on two.
    const verdict = lab.judge(spec, syntheticOutcome(spec, checkOutcome, 100, 25, 25), { reference: syntheticOutcome(spec, checkOutcome, 100, 55) });
    expect(verdict).toMatchObject({ status: "failed", points: 0 });
    expect(verdict.message).toMatch(/^no parallel speedup: 1\.00× speedup/);
  });

  test("a reference without speedup (a busy machine) is said so, not scored as if it were the learner's fault", () => {
    const spec = scenario("speedup/two-workers");
    const verdict = lab.judge(spec, syntheticOutcome(spec, checkOutcome, 100, 60), { reference: syntheticOutcome(spec, checkOutcome, 100, 95) });
    expect(verdict.message).toMatch(/^cannot grade speedup: the reference itself reached only 1\.0\d×/);
  });

  test("a timed run with a wrong grid gets no speedup points", () => {
    const spec = scenario("speedup/two-workers");
    const wrong = syntheticOutcome(spec, checkOutcome, 100, 50);
    const observations = wrong.observations.map((o, i) => (i === 2 ? { ...(o as object), oneWorkerChecksum: 8 } : o));
    const verdict = lab.judge(spec, { ...wrong, observations }, { reference: syntheticOutcome(spec, checkOutcome, 100, 55) });
    expect(verdict).toMatchObject({ status: "failed", points: 0 });
    expect(verdict.message).toMatch(/^wrong grid in timed repetition 1 \(256 × 256, one worker\)/);
  });
});

describe("stencil-speedup: verdicts are evidence-based and stable", () => {
  test("the race of a missing barrier is caught in every run, with the same verdict", async () => {
    const spec = scenario("correct/five-workers");
    const verdicts = [];
    for (let run = 0; run < 3; run++) verdicts.push(await judged(variantCode.get("no-sync.ts")!, spec));
    expect(new Set(verdicts.map((v) => `${v.status} ${v.points} ${v.message}`)).size).toBe(1);
    expect(verdicts[0]!.status).toBe("failed");
  });

  test("malformed or missing observations fail the scenario with a message, never throw", () => {
    const spec = scenario("correct/two-workers");
    const outcomes: ExerciseOutcome[] = [
      { exit: "ok", observations: [], log: "", wallMs: 1 },
      { exit: "ok", observations: [{ kind: "grid", label: "run", values: [1, 2, 3] }], log: "", wallMs: 1 },
      { exit: "ok", observations: [{ kind: "grid", label: "run", values: "nope" }, null, 3], log: "", wallMs: 1 },
      { exit: "timeout", observations: [], message: "wall clock", log: "", wallMs: 1 },
      { exit: "ok", observations: [{ kind: "failure", label: "run", message: "worker 1 threw Error: boom" }], log: "", wallMs: 1 },
    ];
    const messages = outcomes.map((outcome) => lab.judge(spec, outcome, {})).map((v) => (expect(v.status).toBe("failed"), v.message));
    expect(messages).toEqual([
      "the run reported no grid (run)",
      "the run reported a malformed grid (expected 384 integers)",
      "the run reported a malformed grid (expected 384 integers)",
      "the run ended with timeout: wall clock",
      "run: worker 1 threw Error: boom",
    ]);
  });

  test("a worker that throws ends the run with its error; one that never reaches the barrier, with a deadlock", async () => {
    const compile = (ts: string) => compileSubmission({ ts, name: "learner.ts", fromNotebook: false }, lab.exports);
    const throws = compile("export function stencilWorker(ctx: any) { if (ctx.id === 1) throw new Error('boom'); ctx.barrier(); }");
    expect((await judged(throws, scenario("correct/two-workers"))).message).toBe("run: worker 1 threw Error: boom");
    const skips = compile("export function stencilWorker(ctx: any) { if (ctx.id === 0) ctx.barrier(); }");
    const quick = { ...scenario("correct/two-workers"), params: { ...(scenario("correct/two-workers").params as object), timeoutMs: 300 } };
    const verdict = await judged(skips, quick);
    expect(verdict.status).toBe("failed");
    expect(verdict.message).toMatch(/^run: the workers did not finish within 0\.3 s: a deadlock \(does every worker call barrier\(\) the same number of times\?\)/);
  });
});
