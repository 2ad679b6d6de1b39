/**
 * A node program made ready for a node process, and made back into a program
 * there. Two kinds cross a process boundary:
 *
 *   export  a program from the pardis package, or made by one of its
 *           factories with plain-data options (`gossipBroadcastNode({ intervalMs: 50 })`
 *           carries its recipe): the node process calls the same factory;
 *   source  a function or class written in a notebook cell, shipped as its
 *           source text like a pool function. Names it uses from outside itself
 *           would not exist in the node process, so they are refused up front,
 *           by name, except the pardis package itself (`import { ... } from
 *           "pardis"` in the cell), which the node process provides.
 */
import { PardisError } from "../core/index.js";
import { programRecipe, type NodeProgram } from "../node/index.js";
import { writtenName } from "../pool/captured-error.js";
import { analyseFunction } from "../pool/free-identifiers.js";
import { workerGlobalNames } from "../pool/worker-globals.js";

export type ProgramRecipe =
  | { kind: "export"; name: string; args?: unknown[] }
  | { kind: "source"; code: string; label: string; pardisAliases: string[] };

/** TypeScript's CommonJS output names `import ... from "pardis"` `pardis_1` (`pardis_2`, ... when repeated). */
const PARDIS_ALIAS = /^pardis_\d+$/;

function labelOf(program: Function): string {
  return typeof program.name === "string" && program.name !== "" ? program.name : "anonymous";
}

/**
 * `pardisExports`: the names the pardis package exports, so that a name
 * imported from pardis in an earlier cell (which the program captures) gets an
 * error that says to import it in the program's own cell.
 */
export function shipProgram(program: NodeProgram, pardisExports: ReadonlySet<string> = new Set()): ProgramRecipe {
  if (typeof program !== "function") {
    throw new TypeError(`Expected a node program (a function or class taking the node context), got ${program === null ? "null" : typeof program}`);
  }
  const recipe = programRecipe(program);
  if (recipe !== undefined) {
    if (recipe.args !== undefined) assertPlainData(recipe.args, recipe.name);
    return recipe.args === undefined ? { kind: "export", name: recipe.name } : { kind: "export", name: recipe.name, args: recipe.args };
  }
  const source = Function.prototype.toString.call(program);
  const label = labelOf(program);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    throw new TypeError(`Expected a node program written in JavaScript or TypeScript, got a built-in or bound function (${label}).`);
  }
  // A class is analysed as the body of an arrow function: its methods are then ordinary nested scopes.
  const isClass = /^class\b/.test(source);
  const analysis = analyseFunction(isClass ? `() => (${source})` : source);
  if (analysis === undefined) throw new TypeError(`Expected a node function or class, got source text that does not parse as one: ${source.slice(0, 80)}`);
  const globals = workerGlobalNames();
  const pardisAliases = new Set<string>();
  const captured: string[] = [];
  for (const free of analysis.free) {
    if (globals.has(free.name) || free.name === label) continue;
    if (PARDIS_ALIAS.test(free.name)) pardisAliases.add(free.name);
    else captured.push(writtenName(free));
  }
  if (captured.length > 0) throw capturedError(label, [...new Set(captured)], pardisExports);
  const code = analysis.shape === "method" ? `({\n${source}\n})[${JSON.stringify(label)}]` : `(\n${source}\n)`;
  return { kind: "source", code, label, pardisAliases: [...pardisAliases] };
}

function capturedError(label: string, names: string[], pardisExports: ReadonlySet<string>): PardisError {
  const subject = label === "anonymous" ? "The node program" : label;
  const fromPardis = names.filter((name) => pardisExports.has(name));
  const advice = fromPardis.length > 0
    ? `${fromPardis.join(", ")} ${fromPardis.length === 1 ? "comes" : "come"} from pardis, imported in an earlier cell: import ${fromPardis.length === 1 ? "it" : "them"} again in the cell that defines the program (import { ${fromPardis.join(", ")} } from "pardis"), and every node process gets ${fromPardis.length === 1 ? "it" : "them"}. `
    : "";
  return new PardisError(
    "captured-variables",
    `${subject} uses ${names.length === 1 ? "a name" : "names"} from outside itself: ${names.join(", ")}. ` +
      `A real cluster runs each node in its own process and sends it only the program's source text, so ${names.length === 1 ? "it does" : "they do"} not exist there. ` +
      advice +
      `Define helpers and constants inside the program; pardis itself (\`import { ... } from "pardis"\` in the program's cell) is provided to every node process.`,
  );
}

function assertPlainData(value: unknown, name: string): void {
  try {
    if (JSON.stringify(JSON.parse(JSON.stringify(value ?? null))) !== JSON.stringify(value ?? null)) throw new Error("changed");
  } catch {
    throw new TypeError(`The options of ${name}(...) must be plain JSON data to reach a node process.`);
  }
}
