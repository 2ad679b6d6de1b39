/**
 * The part of the package a sandboxed runner needs to see — and nothing
 * more: never dist/labs/<id>/lab.js (hidden scenarios), the notebooks, the
 * variants or the grader's own code.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The directory holding package.json and node_modules/ses above `distRoot`. */
export function packageRootOf(distRoot: string): string {
  for (let dir = resolve(distRoot); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "node_modules", "ses"))) return dir;
    if (dir === dirname(dir)) throw new Error(`no package with node_modules/ses above ${distRoot}`);
  }
}

/** package.json files from `dir` up to `root`: Node reads them for "type": "module" and self-references. */
function manifestsBetween(dir: string, root: string): string[] {
  const found: string[] = [];
  for (let at = dir; at.startsWith(root); at = dirname(at)) {
    if (existsSync(join(at, "package.json"))) found.push(join(at, "package.json"));
    if (at === root || at === dirname(at)) break;
  }
  return found;
}

export interface RunnerPaths {
  readonly main: string;
  readonly readOnly: readonly string[];
}

export function runnerPaths(distRoot: string, exerciseFile: string): RunnerPaths {
  const dist = resolve(distRoot);
  const root = packageRootOf(dist);
  const exerciseDir = dirname(exerciseFile);
  const dirs = [join(dist, "runtime"), join(dist, "grader", "runner"), exerciseDir];
  const files = [join(dist, "grader", "lab", "types.js"), process.execPath];
  const manifests = dirs.flatMap((dir) => manifestsBetween(dir, root));
  const readOnly = [...new Set([...dirs, join(root, "node_modules"), ...files, ...manifests])].filter(existsSync);
  // Paths already under a system directory are bound anyway.
  return { main: join(dist, "grader", "runner", "main.js"), readOnly: readOnly.filter((path) => !/^\/usr\//.test(path)) };
}
