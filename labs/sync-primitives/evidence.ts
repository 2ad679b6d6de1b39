/**
 * The exercise's observations are evidence from the sandbox, not trusted
 * data: these guards check the shape the judge relies on before it formats
 * anything, so a malformed observation fails the scenario with a message
 * instead of crashing the grader.
 */
import type { JsonValue } from "../../grader/lab/types.js";
import type { ExploreFailure } from "../../runtime/index.js";
import type { ExploreObservation } from "./exercise/explore-scenario.js";
import type { StressObservation } from "./exercise/stress.js";

type Obj = Record<string, unknown>;

const isObject = (value: unknown): value is Obj => typeof value === "object" && value !== null && !Array.isArray(value);
const isInt = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value);
const isString = (value: unknown): value is string => typeof value === "string";
const everyOf = <T>(value: unknown, check: (item: unknown) => item is T): value is T[] => Array.isArray(value) && value.every(check);
const isIntArray = (value: unknown): value is number[] => everyOf(value, isInt);

function isEvent(value: unknown): boolean {
  return isObject(value) && isInt(value.step) && isInt(value.thread) && isString(value.op) && isString(value.text);
}

function isStatus(value: unknown): boolean {
  return isObject(value) && isInt(value.thread) && isString(value.state) && (value.detail === undefined || isString(value.detail));
}

function isFailure(value: unknown): value is ExploreFailure {
  return (
    isObject(value) &&
    isString(value.kind) &&
    isString(value.message) &&
    isString(value.strategy) &&
    (value.seed === null || isInt(value.seed)) &&
    isInt(value.run) &&
    isIntArray(value.schedule) &&
    isString(value.scheduleText) &&
    isInt(value.step) &&
    isIntArray(value.threads) &&
    isIntArray(value.steps) &&
    isInt(value.occurrences) &&
    isString(value.replay) &&
    Array.isArray(value.events) &&
    value.events.every(isEvent) &&
    Array.isArray(value.threadStatus) &&
    value.threadStatus.every(isStatus)
  );
}

/** The last explorer observation, if it has the shape the judge relies on. */
export function exploreEvidence(observations: readonly JsonValue[]): ExploreObservation | undefined {
  const found = [...observations].reverse().find((o) => isObject(o) && o.kind === "explore");
  if (!isObject(found)) return undefined;
  const ok =
    isString(found.program) &&
    typeof found.ok === "boolean" &&
    isString(found.strategy) &&
    isInt(found.seed) &&
    isInt(found.runs) &&
    isInt(found.schedules) &&
    everyOf(found.failures, isFailure) &&
    isIntArray(found.droppedEvents) &&
    found.ok === ((found.failures as unknown[]).length === 0);
  return ok ? (found as unknown as ExploreObservation) : undefined;
}

function isStalled(value: unknown): boolean {
  return (
    value === null ||
    (isObject(value) &&
      isInt(value.afterMs) &&
      Array.isArray(value.workers) &&
      value.workers.every((w) => isObject(w) && isInt(w.worker) && isString(w.doing) && isInt(w.round)))
  );
}

export function stressEvidence(observations: readonly JsonValue[]): StressObservation | undefined {
  const found = [...observations].reverse().find((o) => isObject(o) && o.kind === "stress");
  if (!isObject(found)) return undefined;
  const first = found.firstViolation;
  const ok =
    isString(found.primitive) &&
    [found.workers, found.rounds, found.capacity, found.completedRounds, found.counter, found.maxInside, found.violations, found.wallMs].every(isInt) &&
    everyOf(found.errors, isString) &&
    isStalled(found.stalled) &&
    (first === null || (isObject(first) && isInt(first.worker) && isInt(first.round) && isInt(first.seen)));
  return ok ? (found as unknown as StressObservation) : undefined;
}
