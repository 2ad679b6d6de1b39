/**
 * The globals a function shipped as source text expects wherever it runs (a
 * pool worker, a cluster's node process): what the kernel compiled into it
 * (loop guards) and what TypeScript's CommonJS output calls (`require`,
 * `__importStar`, `__importDefault`). workerGlobalNames() lists them for the
 * captured-variable check; this puts them in place.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { LOOP_GUARD_NAME, LOOP_TICKS_NAME } from "./protocol.js";

export interface ShippedGlobalsOptions {
  /** The notebook's folder: `require("x")` resolves from there, as it did in the cell. */
  cwd: string;
  /** The pardis package's root: `require("pardis")` resolves to this copy. */
  pardisRoot: string;
  /** What a loop guard does on each check (there is no interrupt flag outside the kernel's thread). */
  loopGuard: () => void;
}

export function installShippedGlobals(options: ShippedGlobalsOptions): void {
  const globals = globalThis as Record<string, unknown>;
  globals[LOOP_GUARD_NAME] = options.loopGuard;
  globals[LOOP_TICKS_NAME] = 0;
  const fromNotebook = createRequire(join(options.cwd, "__shipped__.js"));
  const fromPardis = createRequire(join(options.pardisRoot, "package.json"));
  globals.require = Object.assign(
    (id: string) => (id === "pardis" || id.startsWith("pardis/") ? fromPardis(id) : fromNotebook(id)),
    { resolve: fromNotebook.resolve, cache: fromNotebook.cache },
  );
  // What TypeScript's CommonJS output calls for `await import("x")` inside a function.
  globals.__importDefault = (mod: any) => (mod && mod.__esModule ? mod : { default: mod });
  globals.__importStar = (mod: any) => (mod && (mod.__esModule || Object.prototype.toString.call(mod) === "[object Module]") ? mod : { ...mod, default: mod });
}
