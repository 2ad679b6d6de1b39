/**
 * Acceptance 2 of issue 7: hostile submissions get a clear verdict (an exit
 * kind and a message naming what was refused, no points), the grader
 * survives, and no process of the job uid is left. The second half runs raw
 * Node code (SES off) to show the OS fence holds on its own.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { compileSubmission, readSubmission } from "../../grader/lab/submission.js";
import type { RunExit, ScenarioSpec, SubmissionCode } from "../../grader/lab/types.js";
import { detectIsolation, runScenario } from "../../grader/runner/index.js";
import { tasksOfUid } from "../../grader/sandbox/index.js";
import { fixtureLab, fixtureRoot, probeScenario } from "../fixtures/grader-lab/lab.js";

const root = new URL("../..", import.meta.url).pathname;
const distRoot = join(root, "dist");
const hostile = (file: string) => compileSubmission(readSubmission(join(root, "tests/hostile", file)), fixtureLab.exports);
const [solveScenario, tallyScenario] = fixtureLab.scenarios.map((scenario): ScenarioSpec => ({ ...scenario, wallMs: 3000 })) as [ScenarioSpec, ScenarioSpec];

/** Live processes of the run's job uid (zombies run nothing; init reaps them). */
function liveProcessesOf(uid: number | undefined): number[] {
  return uid === undefined ? [] : tasksOfUid(uid).filter((task) => !task.zombie).map((task) => task.pid);
}

async function run(code: SubmissionCode, scenario: ScenarioSpec, confine = true) {
  const outcome = await runScenario(fixtureLab, scenario, code, { distRoot, exerciseRoot: fixtureRoot, confine });
  if (isolation.mode !== "none") expect(outcome.jobUid).toBeGreaterThan(0);
  expect(liveProcessesOf(outcome.jobUid)).toEqual([]);
  return outcome;
}

const isolation = detectIsolation();

interface Case {
  readonly file: string;
  readonly scenario?: ScenarioSpec;
  readonly exit: RunExit;
  readonly message: RegExp;
}

const CASES: Case[] = [
  { file: "infinite-loop.ts", exit: "timeout", message: /wall-clock limit/ },
  { file: "heap-hog.ts", exit: "heap-limit", message: /heap went past its 96 MB limit/ },
  { file: "arraybuffer-hog.ts", exit: "error", message: /Array buffer allocation failed/ },
  { file: "fork-bomb.ts", exit: "error", message: /cannot load modules \(it asked for child_process\)/ },
  { file: "output-flood.ts", exit: "output-limit", message: /printed more than 1048576 bytes/ },
  { file: "read-tests-require-fs.ts", exit: "error", message: /cannot load modules \(it asked for fs\)/ },
  { file: "read-tests-process-binding.ts", exit: "error", message: /reading 'binding'.*no process, require/ },
  { file: "read-tests-dynamic-import.ts", exit: "error", message: /failed to load: Possible import expression rejected/ },
  { file: "read-tests-function-constructor.ts", exit: "error", message: /Function.prototype.constructor is not a valid constructor/ },
  { file: "read-tests-global-this.ts", exit: "error", message: /reading 'getBuiltinModule'.*no process/ },
  { file: "read-tests-stack-frames.ts", exit: "error", message: /prepareStackTrace was refused/ },
  { file: "forge-results-file.ts", exit: "error", message: /cannot load modules \(it asked for fs\)/ },
  { file: "patch-object-prototype.ts", exit: "error", message: /Cannot add property answer, object is not extensible/ },
  { file: "patch-json.ts", exit: "error", message: /Cannot assign to read only property 'stringify'/ },
  { file: "patch-promise.ts", exit: "error", message: /Cannot assign to read only property 'push'/ },
  { file: "patch-atomics.ts", scenario: tallyScenario, exit: "error", message: /Cannot assign to read only property 'load'/ },
  { file: "process-exit.ts", exit: "error", message: /reading 'exit'.*no process/ },
  { file: "network.ts", exit: "error", message: /fetch is not (defined|a function).*no process, require, fetch/ },
  { file: "kill-processes.ts", exit: "error", message: /reading 'kill'.*no process/ },
  { file: "steal-nonce.ts", exit: "error", message: /cannot load modules \(it asked for v8\)/ },
];

describe(`hostile submissions, SES-confined (${isolation.summary})`, () => {
  test.each(CASES)("$file: $exit", async ({ file, scenario = solveScenario, exit, message }) => {
    const outcome = await run(hostile(file), scenario);
    expect({ exit: outcome.exit, message: outcome.message }).toEqual({ exit, message: expect.stringMatching(message) });
    const verdict = fixtureLab.judge(scenario, outcome, {});
    expect(verdict).toMatchObject({ status: "failed", points: 0 });
  });

  test("a fake results JSON and fake channel records on stdout are only a log: the verdict comes from the real answers", async () => {
    const outcome = await run(hostile("forge-stdout.ts"), solveScenario);
    expect(outcome.exit).toBe("ok");
    expect(outcome.log).toContain('"kind":"done"');
    expect(fixtureLab.judge(solveScenario, outcome, {})).toMatchObject({ status: "failed", points: 0, message: "solve(1) should be 1, got 0" });
  });

  test("re-binding globalThis.Int32Array stays inside the compartment: the exercise's counter is not fooled", async () => {
    const outcome = await run(hostile("rebind-int32array.ts"), tallyScenario);
    expect(outcome.exit).toBe("ok");
    expect(fixtureLab.judge(tallyScenario, outcome, {})).toMatchObject({ status: "failed", points: 0, message: expect.stringContaining("it is 0") });
  });
});

// ---- the OS fence alone: raw Node code, SES off ----------------------------------------

/** A raw (unconfined) submission whose probe(params) runs `body` with Node's modules at hand. */
function rawProbe(body: string): SubmissionCode {
  return {
    name: "raw-probe.js",
    js: `exports.solve = () => 0; exports.tally = () => {};
exports.probe = async function (params) {
  const fs = process.getBuiltinModule("node:fs");
  const child_process = process.getBuiltinModule("node:child_process");
  const net = process.getBuiltinModule("node:net");
  const attempt = (action) => { try { return { ok: true, value: action() }; } catch (error) { return { ok: false, code: error.code ?? String(error.message) }; } };
  ${body}
};`,
  };
}

async function probe(body: string, params: Record<string, string | number> = {}, wallMs = 5000) {
  const outcome = await run(rawProbe(body), probeScenario(params, wallMs), false);
  expect(outcome.isolation.summary).toContain("submission NOT confined");
  return outcome;
}

const observed = (outcome: { observations: readonly unknown[] }) => (outcome.observations[0] as { probe: unknown }).probe;

describe.runIf(isolation.mode === "bwrap")("the OS fence holds without SES (raw Node code in the sandbox)", () => {
  let secretDir: string;
  let server: Server;
  let port: number;
  let bystander: ChildProcess;

  beforeAll(async () => {
    secretDir = mkdtempSync(join(tmpdir(), "pardis-hidden-"));
    writeFileSync(join(secretDir, "hidden-tests.json"), '{"answers":[1,55,5050]}');
    server = createServer((socket) => socket.end("answers"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
    bystander = spawn("sleep", ["60"], { stdio: "ignore" });
  });
  afterAll(() => {
    rmSync(secretDir, { recursive: true, force: true });
    server?.close();
    bystander?.kill("SIGKILL");
  });

  test("a fork bomb meets RLIMIT_NPROC, and every detached child is gone afterwards", async () => {
    const outcome = await probe(`
      let spawned = 0;
      for (; spawned < 500; spawned++) {
        const child = attempt(() => child_process.spawn("sleep", ["600"], { detached: true, stdio: "ignore" }));
        if (!child.ok) return { spawned, refused: child.code };
        const failed = await new Promise((resolve) => { child.value.once("spawn", () => resolve(null)); child.value.once("error", (e) => resolve(e.code)); });
        if (failed) return { spawned, refused: failed };
      }
      return { spawned, refused: null };`);
    expect(observed(outcome)).toMatchObject({ refused: "EAGAIN" });
    expect((observed(outcome) as { spawned: number }).spawned).toBeLessThan(100);
  });

  test("a file the grader keeps outside the bound paths does not exist in there; neither do the labs' hidden definitions", async () => {
    const outcome = await probe(`return [params.secret, params.lab, "/etc/shadow"].map((path) => attempt(() => fs.readFileSync(path, "utf8")));`, {
      secret: join(secretDir, "hidden-tests.json"),
      lab: join(fixtureRoot, "lab.ts"),
    });
    expect(observed(outcome)).toEqual([{ ok: false, code: "ENOENT" }, { ok: false, code: "ENOENT" }, { ok: false, code: "ENOENT" }]);
  });

  test("a server on the host's 127.0.0.1 is unreachable; the sandbox's own loopback works", async () => {
    const outcome = await probe(
      `const connect = (p) => new Promise((resolve) => { const s = net.connect(p, "127.0.0.1"); s.once("connect", () => { s.destroy(); resolve("connected"); }); s.once("error", (e) => resolve(e.code)); });
      const own = net.createServer((s) => s.end()); await new Promise((resolve) => own.listen(0, "127.0.0.1", resolve));
      const result = { host: await connect(params.port), own: await connect(own.address().port) }; own.close(); return result;`,
      { port },
    );
    expect(observed(outcome)).toEqual({ host: "ECONNREFUSED", own: "connected" });
  });

  test("killing a grader-owned process fails with ESRCH, and it lives on", async () => {
    const outcome = await probe(`return [attempt(() => process.kill(params.pid, "SIGKILL")), attempt(() => process.kill(-1, "SIGKILL"))];`, { pid: bystander.pid! });
    expect((observed(outcome) as Array<{ code?: string }>)[0]).toEqual({ ok: false, code: "ESRCH" });
    expect(bystander.exitCode).toBeNull();
    expect(() => process.kill(bystander.pid!, 0)).not.toThrow();
  });

  test("nested namespaces are refused inside the sandbox (no `unshare -r` to new mounts or networks)", async () => {
    const outcome = await probe(`const r = child_process.spawnSync("unshare", ["-rn", "true"], { encoding: "utf8" }); return { status: r.status };`);
    expect(observed(outcome)).not.toEqual({ status: 0 });
  });

  test("/tmp is private: what the job writes there never reaches the host's /tmp", async () => {
    const marker = `pardis-hostile-${process.pid}-${Date.now()}`;
    const outcome = await probe(`return attempt(() => { fs.writeFileSync("/tmp/" + params.marker, "left for the next job"); return fs.readdirSync("/tmp").sort(); });`, { marker });
    // The job's /tmp is its own tmpfs: only its marker, plus the mount point of the checkout when the
    // checkout itself lives under /tmp (a clean clone in CI): bound read-only there, not the host's /tmp.
    const checkoutUnderTmp = /^\/tmp\/([^/]+)/.exec(new URL("../..", import.meta.url).pathname)?.[1];
    expect(observed(outcome)).toEqual({ ok: true, value: [marker, ...(checkoutUnderTmp ? [checkoutUnderTmp] : [])].sort() });
    expect(existsSync(join("/tmp", marker))).toBe(false);
  });

  test("process.exit(0) before the exercise finishes is a crash, not a pass", async () => {
    const code: SubmissionCode = { name: "exit.js", js: "exports.solve = () => process.exit(0); exports.tally = () => {};" };
    const outcome = await run(code, solveScenario, false);
    expect(outcome).toMatchObject({ exit: "crashed", message: expect.stringContaining("exit code 0 before the exercise finished") });
    expect(fixtureLab.judge(solveScenario, outcome, {})).toMatchObject({ status: "failed", points: 0 });
  });

  test("records forged on fd 3 without the nonce void the run", async () => {
    const code: SubmissionCode = {
      name: "forge.js",
      js: `const fs = process.getBuiltinModule("node:fs");
for (const n of [1, 10, 100]) fs.writeSync(3, JSON.stringify({ nonce: "guess", kind: "observation", data: { n, answer: n * (n + 1) / 2 } }) + "\\n");
fs.writeSync(3, JSON.stringify({ nonce: "guess", kind: "done" }) + "\\n");
exports.solve = () => 0; exports.tally = () => {};`,
    };
    const outcome = await run(code, solveScenario, false);
    expect(outcome).toMatchObject({ exit: "error", observations: [], message: expect.stringContaining("without the job's nonce") });
  });
});
