import { PardisError } from "../core/index.js";
import type { FreeName } from "./free-identifiers.js";

/**
 * How TypeScript's CommonJS output (what tslab makes of a cell) names things
 * a function uses from elsewhere: an earlier cell's `k` is `exports.k`, and a
 * name imported in the same cell is a property of the module's helper
 * variable, `node_crypto_1.createHash` (or `.default` for a default import).
 */
const IMPORT_HELPER_VARIABLE = /^[A-Za-z_$][\w$]*_\d+$/;

/** The name a learner wrote, recovered from compiled code. */
export function writtenName(free: FreeName): string {
  if (free.name === "exports" && free.property !== undefined) return free.property;
  if (IMPORT_HELPER_VARIABLE.test(free.name) && free.property !== undefined) {
    return free.property === "default" ? `the default import of ${free.name.replace(/_\d+$/, "")}` : free.property;
  }
  return free.name;
}

/** How messages refer to a task's function: its name, or "an anonymous function". */
export function spoken(label: string): string {
  return label === "anonymous" ? "an anonymous function" : label;
}

/**
 * A function shipped to a pool uses names from outside itself. Workers get the
 * function's source text only, so those names would not exist there.
 */
export class CapturedVariablesError extends PardisError {
  /** The names as the learner wrote them, in order of first use. */
  readonly names: readonly string[];

  constructor(functionLabel: string, names: readonly string[]) {
    const list = names.join(", ");
    const example = names.find((name) => /^[A-Za-z_$][\w$]*$/.test(name)) ?? "k";
    const subject = functionLabel === "anonymous" ? "The function" : functionLabel;
    super(
      "captured-variables",
      `${subject} uses ${names.length === 1 ? "a name" : "names"} from outside the function: ${list}. ` +
        `A pool runs it in another thread and sends it only the function's source text, so ${names.length === 1 ? "this name does" : "these names do"} not exist there. ` +
        `Pass values in the argument instead, e.g. pool.run(({ x, ${example} }) => ..., { x, ${example} }) (with pool.map, put them in the items); ` +
        `define helper functions inside the function; load modules inside it with require("...") or await import("...").`,
    );
    this.names = names;
  }
}
