/**
 * In a node process: a shipped program (program-recipe.ts) made back into a
 * program. Kept apart from the shipping side, which needs TypeScript's parser
 * for the captured-variable check; a node process needs none of that.
 */
import { PardisError } from "../core/index.js";
import type { NodeProgram } from "../node/index.js";
import type { ProgramRecipe } from "./program-recipe.js";

/** In a node process: the program back from its recipe. `pardis` is the package's namespace. */
export function loadProgram(recipe: ProgramRecipe, pardis: Record<string, unknown>): NodeProgram {
  if (recipe.kind === "export") {
    const exported = pardis[recipe.name];
    if (typeof exported !== "function") throw new PardisError("net-start-failed", `pardis has no node program or factory named ${recipe.name}`);
    return (recipe.args === undefined ? exported : (exported as (...args: unknown[]) => unknown)(...recipe.args)) as NodeProgram;
  }
  const make = new Function(...recipe.pardisAliases, `"use strict";\nreturn ${recipe.code};\n//# sourceURL=node-program:${recipe.label}`);
  return make(...recipe.pardisAliases.map(() => pardis)) as NodeProgram;
}
