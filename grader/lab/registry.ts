/**
 * Where labs are and how the grader loads them: the built lab modules under
 * `dist/labs/<id>/` (`lab.js` exports the whole lab, `public.js` the part a
 * learner's machine holds) and their sources under `labs/<id>/` (the instructor
 * notebook, the known-wrong variants).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { GraderError } from "../errors.js";
import type { LabDefinition, PublicLab } from "./types.js";

/** The installed pardis package root, found from this file whether run from dist/ or from sources. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "pardis") return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`pardis package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/**
 * A tree that holds labs: `<root>/labs/<id>/` (sources: notebook, variants) and
 * `<root>/dist/labs/<id>/` (built modules). The package itself by default; tests
 * point it at a fixture tree.
 */
export interface LabTree {
  readonly root: string;
  /** The built tree; runners load exercises from here. @default `<root>/dist` */
  readonly distRoot: string;
}

export function labTree(root = packageRoot(), distRoot = join(root, "dist")): LabTree {
  return { root, distRoot };
}

/** Ids of the labs that are built (have `dist/labs/<id>/public.js`), sorted. */
export function listLabs(tree: LabTree = labTree()): string[] {
  const dir = join(tree.distRoot, "labs");
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "public.js")))
    .map((entry) => entry.name)
    .sort();
}

/** Whether the whole lab (hidden scenarios, reference) is on this machine: the instructor's, or the grader's. */
export function hasFullLab(id: string, tree: LabTree = labTree()): boolean {
  return existsSync(join(tree.distRoot, "labs", id, "lab.js"));
}

function unknownLab(id: string, tree: LabTree): GraderError {
  const known = listLabs(tree);
  return new GraderError(
    "unknown-lab",
    `unknown lab ${JSON.stringify(id)}; ${known.length ? `the labs are: ${known.join(", ")}` : `no lab is built under ${join(tree.distRoot, "labs")} (run npm run build)`}`,
  );
}

async function importExport<T>(id: string, tree: LabTree, file: string, name: string): Promise<T> {
  // Ids come from the command line: only plain names, so a path cannot reach outside dist/labs.
  if (!/^[\w-]+$/.test(id)) throw unknownLab(id, tree);
  const path = join(tree.distRoot, "labs", id, file);
  if (!existsSync(path)) {
    if (file === "lab.js" && existsSync(join(tree.distRoot, "labs", id, "public.js"))) {
      throw new GraderError("unknown-lab", `lab ${id}: only its public part is on this machine (${file} is the grader's; hidden scenarios run when you submit)`);
    }
    throw unknownLab(id, tree);
  }
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const value = module[name];
  if (typeof value !== "object" || value === null) throw new GraderError("unknown-lab", `${path} does not export \`${name}\``);
  return value as T;
}

/** The whole lab: public and hidden scenarios, reference, variants. Grader side only. */
export function loadLab(id: string, tree: LabTree = labTree()): Promise<LabDefinition> {
  return importExport<LabDefinition>(id, tree, "lab.js", "lab");
}

/** The part of a lab a learner's machine holds: public scenarios and the judge. */
export function loadPublicLab(id: string, tree: LabTree = labTree()): Promise<PublicLab> {
  return importExport<PublicLab>(id, tree, "public.js", "publicLab");
}

/**
 * A lab's source file (the reference notebook, a variant), given as a path
 * relative to the tree root ("labs/<id>/<id>.ipynb"), to the lab folder, or to
 * its variants folder: labs write whichever reads best.
 */
export function labSourcePath(lab: { id: string }, file: string, tree: LabTree = labTree()): string {
  if (isAbsolute(file)) return file;
  const candidates = [join(tree.root, file), join(tree.root, "labs", lab.id, file), join(tree.root, "labs", lab.id, "variants", file)];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new GraderError("unreadable-file", `lab ${lab.id}: cannot find ${file} (looked at ${candidates.join(", ")})`);
  return found;
}
