/**
 * `pardis publish`: from the instructor's sources to what learners and the
 * grading platform get.
 *
 *   out/student/<lab>.ipynb   the labs' student notebooks (solutions stubbed, hidden tests removed)
 *   out/site/                 the static course site (course notebooks, then the labs), offline
 *   out/grader/<lab>/         the grader bundle of each lab (`pardis grader package`)
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GraderError } from "../errors.js";
import { packageRoot } from "../lab/registry.js";
import { readNotebook, type Notebook } from "../notebook.js";
import { defaultPython, executeNotebook } from "./execute.js";
import { writeSite, type SiteNotebook } from "./site/index.js";
import { serializeNotebook, studentNotebook } from "./student.js";

export { studentNotebook, serializeNotebook, HIDDEN_TESTS_TAG, MarkerError, type StudentOptions } from "./student.js";
export { executeNotebook } from "./execute.js";
export { writeSite, type SiteInput, type SiteNotebook } from "./site/index.js";

export interface PublishOptions {
  /** Folder holding `<id>/<id>.ipynb` instructor notebooks. @default `<package>/labs` */
  readonly labsDir?: string;
  /** Folder holding the course's `NN-name.ipynb` notebooks. @default `<package>/notebooks` */
  readonly courseDir?: string;
  readonly out: string;
  /** Only these labs. @default every lab in labsDir that has its instructor notebook */
  readonly labs?: readonly string[];
  /** Run the course notebooks in the pardis kernel first, so the site shows their outputs (plots). @default false */
  readonly execute?: boolean;
  /** Python with nbclient, for `execute`. @default `<package>/.venv/bin/python` */
  readonly python?: string;
  /** Build each lab's grader bundle (`pardis grader package`) under out/grader/. @default true */
  readonly grader?: boolean;
  /** Progress lines (one per notebook). */
  readonly log?: (line: string) => void;
}

export interface GraderBundle {
  readonly lab: string;
  readonly dir: string;
  /** "package": built by `pardis grader package`; "manifest": only a manifest (the lab has no built definition to grade with). */
  readonly kind: "package" | "manifest";
  /** Why there is no package. */
  readonly reason?: string;
}

export interface PublishResult {
  /** Paths of the student notebooks written. */
  readonly student: readonly string[];
  readonly site: { readonly dir: string; readonly pages: readonly string[] };
  readonly grader: readonly GraderBundle[];
  /** Course notebooks run (with `execute`), with how long each took. */
  readonly executed: ReadonlyArray<{ readonly notebook: string; readonly seconds: number }>;
  /** Authoring problems that do not stop publishing (a stub that leaves code unreachable), "<lab>: cell N, line M: ...". */
  readonly warnings: readonly string[];
}

const COURSE_FILE = /^\d\d-[a-z0-9-]+\.ipynb$/;

/** Lab ids under labsDir that have their instructor notebook, sorted. */
export function findLabs(labsDir: string): string[] {
  if (!existsSync(labsDir)) return [];
  // existsSync follows symbolic links: a lab linked into the folder counts.
  return readdirSync(labsDir)
    .filter((name) => existsSync(join(labsDir, name, `${name}.ipynb`)))
    .sort();
}

/** The course notebooks in order (00 first). */
export function findCourse(courseDir: string): string[] {
  if (!existsSync(courseDir)) throw new GraderError("unreadable-file", `no course folder at ${courseDir}`);
  return readdirSync(courseDir).filter((file) => COURSE_FILE.test(file)).sort();
}

function selectLabs(labsDir: string, wanted: readonly string[] | undefined): string[] {
  const available = findLabs(labsDir);
  if (!wanted) return available;
  const unknown = wanted.filter((id) => !available.includes(id));
  if (unknown.length) {
    throw new GraderError(
      "unknown-lab",
      `no instructor notebook for ${unknown.join(", ")} (expected ${join(labsDir, "<id>", "<id>.ipynb")}); the labs are: ${available.join(", ") || "none"}`,
    );
  }
  return [...wanted];
}

/** `pardis grader package` (grader/grade/package.ts), loaded only when bundles are wanted: it copies the package and zips. */
type Packager = (options: { lab: string; out: string }) => Promise<unknown>;

async function loadPackager(): Promise<Packager> {
  const { packageLab } = await import("../grade/package.js");
  return packageLab;
}

async function graderBundle(lab: string, instructorPath: string, out: string, packager: Packager): Promise<GraderBundle> {
  const dir = join(out, "grader", lab);
  mkdirSync(dir, { recursive: true });
  try {
    await packager({ lab, out: dir });
    return { lab, dir, kind: "package" };
  } catch (error) {
    // A notebook-only lab (no built lab.ts: no hidden scenarios to grade) still gets its student notebook and page.
    if (!(error instanceof GraderError && error.code === "unknown-lab")) throw error;
    const manifest = {
      lab,
      instructorNotebook: { file: `${lab}.ipynb`, sha256: createHash("sha256").update(readFileSync(instructorPath)).digest("hex") },
      note: `no grader bundle: ${error.message}`,
    };
    writeFileSync(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    return { lab, dir, kind: "manifest", reason: error.message };
  }
}

export async function publish(options: PublishOptions): Promise<PublishResult> {
  const root = options.labsDir && options.courseDir ? undefined : packageRoot();
  const labsDir = options.labsDir ?? join(root!, "labs");
  const courseDir = options.courseDir ?? join(root!, "notebooks");
  const log = options.log ?? (() => undefined);
  const labs = selectLabs(labsDir, options.labs);
  const courseFiles = findCourse(courseDir);

  // Student notebooks first: a marker mistake stops publishing before anything slow runs.
  const studentDir = join(options.out, "student");
  mkdirSync(studentDir, { recursive: true });
  const studentLabs: SiteNotebook[] = [];
  const warnings: string[] = [];
  const student: string[] = [];
  for (const lab of labs) {
    const notebook = studentNotebook(readNotebook(join(labsDir, lab, `${lab}.ipynb`)), {
      warn: (message) => {
        warnings.push(`${lab}: ${message}`);
        log(`warning: labs/${lab}/${lab}.ipynb, ${message}`);
      },
    });
    const path = join(studentDir, `${lab}.ipynb`);
    writeFileSync(path, serializeNotebook(notebook));
    student.push(path);
    studentLabs.push({ name: lab, notebook });
    log(`student notebook: ${path}`);
  }

  const executed: Array<{ notebook: string; seconds: number }> = [];
  const course: SiteNotebook[] = [];
  for (const file of courseFiles) {
    const path = join(courseDir, file);
    let notebook: Notebook;
    if (options.execute) {
      const run = await executeNotebook(path, options.python ?? defaultPython(packageRoot()));
      notebook = run.notebook;
      executed.push({ notebook: file, seconds: run.seconds });
      log(`ran ${file} in ${run.seconds.toFixed(1)} s`);
    } else notebook = readNotebook(path);
    course.push({ name: file.replace(/\.ipynb$/, ""), notebook });
  }

  const siteDir = join(options.out, "site");
  const pages = writeSite(siteDir, { course, labs: studentLabs });
  log(`site: ${pages.length} pages in ${siteDir}`);

  const grader: GraderBundle[] = [];
  if (options.grader !== false && labs.length) {
    const packager = await loadPackager();
    for (const lab of labs) {
      const bundle = await graderBundle(lab, join(labsDir, lab, `${lab}.ipynb`), options.out, packager);
      grader.push(bundle);
      log(bundle.kind === "package" ? `grader bundle: ${bundle.dir}` : `no grader bundle for ${lab}: ${bundle.reason}`);
    }
  }
  return { student, site: { dir: siteDir, pages }, grader, executed, warnings };
}
