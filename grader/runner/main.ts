/**
 * The process inside the sandbox: reads one spec from stdin, imports the
 * exercise (trusted), locks the realm down, loads the submission confined,
 * runs the exercise and reports raw observations on fd 3. It never decides
 * pass or fail; the grader does, from these records.
 */
// First, before anything can tamper with them: the intrinsics and functions this file relies on.
import { captured } from "./captured.js";
import { readFileSync } from "node:fs";
import type { ExerciseModule, JsonValue } from "../lab/types.js";
import { lockdownThread } from "./confine.js";
import { importExercise } from "./in-process.js";
import { loadSubmission } from "./load-submission.js";
import { CHANNEL_FD, type RunnerSpec } from "./protocol.js";

const exit: (code: number) => never = process.exit.bind(process);
const spec = captured.parse(readFileSync(0, "utf8")) as RunnerSpec;
const nonceJson = captured.stringify(spec.nonce);

// Written by hand around the payload so nothing but `data` goes through a (possibly guest-made) toJSON.
function send(kind: "observation" | "error" | "done", payload?: string): void {
  const body = kind === "observation" ? `,"data":${payload}` : kind === "error" ? `,"message":${payload}` : "";
  captured.writeSync(CHANNEL_FD, `{"nonce":${nonceJson},"kind":"${kind}"${body}}\n`);
}

function messageOf(error: unknown): string {
  try {
    const text = typeof error === "object" && error !== null && "message" in error ? captured.String((error as Error).message) : captured.String(error);
    return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
  } catch {
    return "an exception that cannot be printed";
  }
}

// SES leaves a missing global `undefined`, so `process.exit()` reads "Cannot read properties of undefined".
const MISSING_GLOBAL = /of undefined \(reading|is not defined|is not a function/;
const CONFINED_HINT =
  " (inside the sandbox a submission has only its own code, console, SharedArrayBuffer, Atomics and what the lab passes it: no process, require, fetch, timers or Node modules)";

function fail(prefix: string, error: unknown): never {
  const message = messageOf(error);
  const hint = spec.confined && MISSING_GLOBAL.test(message) ? CONFINED_HINT : "";
  send("error", captured.stringify(`${prefix}${message}${hint}`));
  exit(1);
}

process.on("uncaughtException", (error) => fail("uncaught exception: ", error));
process.on("unhandledRejection", (error) => fail("unhandled rejection: ", error));

let exercise: ExerciseModule;
try {
  exercise = await importExercise("/", spec.exercise);
} catch (error) {
  fail("the exercise failed to load (a lab bug, not the submission's): ", error);
}

if (spec.confined) lockdownThread();

let submission: Readonly<Record<string, unknown>>;
try {
  submission = loadSubmission(spec.code, { confined: spec.confined, endowments: exercise.endowments });
} catch (error) {
  fail("the submission failed to load: ", error);
}

try {
  await exercise.run({
    scenario: spec.scenario,
    submission,
    code: spec.code,
    confined: spec.confined,
    emit(observation: JsonValue) {
      send("observation", captured.stringify(observation) ?? "null");
    },
    now: captured.now,
  });
} catch (error) {
  fail("", error);
}
send("done");
// Lingering workers, timers or sockets of the submission end with the process.
exit(0);
