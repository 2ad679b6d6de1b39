import { createRequire } from "node:module";
import { join, sep } from "node:path";
import { composeLines, generatedToSourceLines, takeInlineMap } from "./source-map-lines.js";

/**
 * tslab's converter compiles a cell in two steps (TS → ES module → CommonJS) and
 * keeps no source map, so a runtime error could not name its cell line. We hand
 * tslab a view of its TypeScript module that turns inline source maps on in both
 * steps and records the composed line table of the last conversion. TypeScript's
 * module exports are getters that cannot be reassigned, hence a forwarding copy
 * placed in the require cache before tslab loads.
 *
 * The same view makes `import ... from "pardis"` resolve to this package from any
 * notebook folder, as tslab does for itself.
 */
export interface HookedTypeScript {
  /** Line table of the most recent CommonJS output: generated line → line of the TS file. */
  takeLastLineTable(): Array<number | undefined> | undefined;
}

type TsModule = Record<string, any>;

export function installTypeScriptHooks(tslabDir: string, pardisRoot: string): HookedTypeScript {
  const require = createRequire(join(tslabDir, "package.json"));
  const tsPath = require.resolve("@tslab/typescript-for-tslab");
  const real = require(tsPath) as TsModule;
  const view: TsModule = {};
  for (const key of Object.keys(real)) {
    Object.defineProperty(view, key, { get: () => real[key], enumerable: true, configurable: true });
  }
  let lastEsmLines: Array<number | undefined> | undefined;
  let lastLineTable: Array<number | undefined> | undefined;

  Object.defineProperty(view, "createWatchCompilerHost", {
    enumerable: true,
    value: (roots: unknown, options: Record<string, unknown>, ...rest: unknown[]) =>
      real.createWatchCompilerHost(roots, { ...options, inlineSourceMap: true }, ...rest),
  });
  Object.defineProperty(view, "transpileModule", {
    enumerable: true,
    value: (input: string, transpileOptions: { compilerOptions?: Record<string, unknown> }) => {
      const esm = takeInlineMap(input);
      lastEsmLines = esm.mappings === undefined ? undefined : generatedToSourceLines(esm.mappings);
      const result = real.transpileModule(esm.code, {
        ...transpileOptions,
        compilerOptions: { ...transpileOptions.compilerOptions, inlineSourceMap: true },
      });
      const cjs = takeInlineMap(result.outputText as string);
      lastLineTable =
        lastEsmLines && cjs.mappings !== undefined
          ? composeLines(generatedToSourceLines(cjs.mappings), lastEsmLines)
          : undefined;
      return { ...result, outputText: cjs.code };
    },
  });
  forwardPardisPaths(real.sys, pardisRoot);
  const cached = require.cache[tsPath];
  if (!cached) throw new Error("TypeScript module missing from the require cache");
  cached.exports = view;
  return {
    takeLastLineTable() {
      const table = lastLineTable;
      lastLineTable = undefined;
      return table;
    },
  };
}

/** Maps `<anything>/node_modules/pardis/<rest>` to this package when no such folder exists. */
function forwardPardisPaths(sys: TsModule, pardisRoot: string): void {
  const marker = `${sep}node_modules${sep}pardis`;
  const forward = (path: string): string => {
    const at = path.lastIndexOf(marker);
    if (at < 0) return path;
    const rest = path.slice(at + marker.length);
    if (rest !== "" && !rest.startsWith(sep)) return path;
    const original = sys.__pardisOriginal as Record<string, (p: string) => boolean>;
    if (original.directoryExists!(path.slice(0, at + marker.length))) return path;
    return join(pardisRoot, rest);
  };
  const original: Record<string, unknown> = {};
  for (const name of ["fileExists", "readFile", "directoryExists", "realpath", "getDirectories"] as const) {
    const fn = sys[name] as ((path: string, ...rest: unknown[]) => unknown) | undefined;
    if (!fn) continue;
    original[name] = fn.bind(sys);
    sys[name] = (path: string, ...rest: unknown[]) => fn.call(sys, forward(path), ...rest);
  }
  sys.__pardisOriginal = original;
  // Keep realpath from turning a forwarded file back into a path outside node_modules,
  // which would make TypeScript treat pardis' declarations as the learner's own sources.
  const realpath = original.realpath as ((path: string) => string) | undefined;
  if (realpath) {
    sys.realpath = (path: string) => {
      const forwarded = forward(path);
      if (forwarded === path) return realpath(path);
      return path;
    };
  }
}
