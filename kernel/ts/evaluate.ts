import { createRequire } from "node:module";
import { join } from "node:path";
import vm from "node:vm";
import type { CompiledCell } from "./compile.js";
import { LOOP_GUARD, LOOP_GUARD_PRELUDE } from "./loop-guard.js";

/**
 * Runs compiled cells in this thread's global context (libraries see the same
 * Array and Promise as the cell). Names declared by cells live on one shared
 * exports object, so re-running a cell that declares `const x` simply replaces x.
 */
export class Evaluator {
  readonly exports: Record<string, unknown>;
  readonly #store: Record<string, unknown> = {};
  readonly #require: NodeJS.Require;
  readonly #lineTables = new Map<string, CompiledCell["cellLineOf"]>();

  readonly #loopGuard: () => void;

  constructor(cwd: string, pardisRoot: string, loopGuard: () => void) {
    this.#loopGuard = loopGuard;
    const store = this.#store;
    // tslab turns named imports into defineProperty getters; storing plain values
    // keeps imported names reassignable by later cells.
    this.exports = new Proxy(store, {
      defineProperty(_target, property, attributes) {
        if (property === "__esModule") return true;
        store[property as string] = attributes.get ? attributes.get() : attributes.value;
        return true;
      },
    });
    const fromCwd = createRequire(join(cwd, "__cell__.js"));
    const fromPardis = createRequire(join(pardisRoot, "package.json"));
    // `pardis` resolves to this package wherever the notebook lives.
    this.#require = new Proxy(fromCwd, {
      apply(_target, _this, args: [string]) {
        const id = args[0];
        if (id === "pardis" || id.startsWith("pardis/")) return fromPardis(id);
        return fromCwd(id);
      },
    });
  }

  define(name: string, value: unknown): void {
    this.#store[name] = value;
  }

  /** Starts the cell; returns its completion (for top-level await) and a reader for the last value. */
  run(cell: CompiledCell, fileName: string): { completion: Promise<unknown> | undefined; lastValue(): unknown } {
    this.#lineTables.set(fileName, cell.cellLineOf);
    const parameters = `exports, require, ${LOOP_GUARD}`;
    const prefix = `(${cell.hasTopLevelAwait ? "async " : ""}function (${parameters}) { ${LOOP_GUARD_PRELUDE}`;
    // The prefix sits on its own line and lineOffset: -1 takes it back out, so
    // V8's line numbers are the converted code's own lines.
    const wrapped = `${prefix}\n${cell.js}\n})`;
    const fn = vm.runInThisContext(wrapped, { filename: fileName, lineOffset: -1 }) as (
      exports: unknown,
      require: NodeJS.Require,
      loopGuard: () => void,
    ) => unknown;
    const returned = fn(this.exports, this.#require, this.#loopGuard);
    return {
      completion: cell.hasTopLevelAwait ? (returned as Promise<unknown>) : undefined,
      lastValue: () => {
        if (!cell.lastExpressionVar) return undefined;
        const value = this.#store[cell.lastExpressionVar];
        delete this.#store[cell.lastExpressionVar];
        return value;
      },
    };
  }

  cellLine(fileName: string, generatedLine: number): number | undefined {
    return this.#lineTables.get(fileName)?.(generatedLine);
  }

  reset(): void {
    for (const name of Object.keys(this.#store)) delete this.#store[name];
  }
}
