#!/usr/bin/env node
/**
 * The grader's commands of `pardis` (grade, validate, grader package,
 * publish). kernel/cli.ts starts this file as a process of its own for them:
 * the kernel does not import the grader.
 *
 * Exit codes: 0 done (whatever the score), 1 the grader or a validation
 * failed, 2 wrong arguments.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { GraderError } from "./errors.js";
import type { GradescopeVisibility } from "./grade/results-json.js";
import type { IsolationRequest } from "./grade/run-scenario.js";
import { labTree, listLabs, type LabTree } from "./lab/registry.js";

export const GRADER_USAGE = `  pardis grade SUBMISSION --lab LAB [--only SCENARIO]... [--seed N] [--out DIR] [--jobs N]
                                                                  grade a notebook, a .ts file or a folder holding one;
                                                                  writes results.json (Gradescope), junit.xml, feedback.md/.html
  pardis grade FOLDER --lab LAB --batch [--out DIR] [--jobs N]    grade every submission in FOLDER in parallel (+ summary.csv)
  pardis validate [--lab LAB] [--jobs N]                          the reference scores full marks, the stubs zero, each
                                                                  known-wrong variant loses exactly its scenarios
  pardis grader package --lab LAB --out DIR                       a Gradescope autograder zip and a Dockerfile
  pardis publish [--out DIR] [--lab LAB]... [--execute]           student notebooks, the course site, grader bundles
    grade options: --isolation auto|none (none: a plain child process, no OS sandbox)
                   --hidden-visibility after_published|visible|hidden|after_due_date (hidden scenarios on Gradescope)
                   --hidden-feedback full|outcome (what feedback.md/.html show of hidden scenarios)
                   --lab-root DIR [--lab-dist DIR] (labs from another tree: DIR/labs/<id>, DIR/dist/labs/<id>)
`;

class UsageError extends Error {}

interface Parsed {
  positional: string[];
  values: Map<string, string[]>;
  flags: Set<string>;
}

/** A small parser: `--name value` (repeatable), `--name=value`, boolean `--flag`s from a known list. */
function parse(args: readonly string[], valued: readonly string[], booleans: readonly string[]): Parsed {
  const parsed: Parsed = { positional: [], values: new Map(), flags: new Set() };
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (!arg.startsWith("--")) {
      parsed.positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (booleans.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      parsed.flags.add(name);
    } else if (valued.includes(name)) {
      const value = inline ?? args[++index];
      if (value === undefined || (inline === undefined && value.startsWith("--"))) throw new UsageError(`--${name} needs a value`);
      parsed.values.set(name, [...(parsed.values.get(name) ?? []), value]);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return parsed;
}

function one(parsed: Parsed, name: string): string | undefined {
  const values = parsed.values.get(name);
  if (values && values.length > 1) throw new UsageError(`--${name} given more than once`);
  return values?.[0];
}

function integer(parsed: Parsed, name: string, min: number): number | undefined {
  const text = one(parsed, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(text)}`);
  return value;
}

function choice<T extends string>(parsed: Parsed, name: string, allowed: readonly T[]): T | undefined {
  const text = one(parsed, name);
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text)) throw new UsageError(`--${name} must be one of ${allowed.join(", ")}, got ${JSON.stringify(text)}`);
  return text as T;
}

function treeOf(parsed: Parsed): LabTree {
  const root = one(parsed, "lab-root");
  const dist = one(parsed, "lab-dist");
  if (!root) {
    if (dist) throw new UsageError("--lab-dist needs --lab-root");
    return labTree();
  }
  return labTree(resolve(root), resolve(dist ?? join(root, "dist")));
}

function requiredLab(parsed: Parsed, tree: LabTree): string {
  const lab = one(parsed, "lab");
  if (!lab) throw new UsageError(`--lab is required (the labs here: ${listLabs(tree).join(", ") || "none built"})`);
  return lab;
}

const TREE_OPTIONS = ["lab-root", "lab-dist"];

async function grade(args: readonly string[], out: NodeJS.WriteStream, err: NodeJS.WriteStream): Promise<number> {
  const parsed = parse(args, ["lab", "only", "seed", "out", "jobs", "isolation", "hidden-visibility", "hidden-feedback", ...TREE_OPTIONS], ["batch"]);
  if (parsed.positional.length !== 1) throw new UsageError(`grade needs exactly one submission (a .ipynb, a .ts or a folder), got ${parsed.positional.length}`);
  const submission = parsed.positional[0]!;
  const tree = treeOf(parsed);
  const lab = requiredLab(parsed, tree);
  const outDir = resolve(one(parsed, "out") ?? "grade-results");
  const only = (parsed.values.get("only") ?? []).flatMap((value) => value.split(",")).filter(Boolean);
  const seed = integer(parsed, "seed", 0);
  const jobs = integer(parsed, "jobs", 1);
  const isolation = choice<IsolationRequest>(parsed, "isolation", ["auto", "none"]);
  const hiddenVisibility = choice<GradescopeVisibility>(parsed, "hidden-visibility", ["after_published", "visible", "hidden", "after_due_date"]);
  const hiddenFeedback = choice(parsed, "hidden-feedback", ["full", "outcome"] as const);
  const common = {
    tree,
    ...(only.length ? { only } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(jobs !== undefined ? { concurrency: jobs } : {}),
    ...(isolation ? { isolation } : {}),
    ...(hiddenVisibility ? { hiddenVisibility } : {}),
    ...(hiddenFeedback ? { hiddenFeedback } : {}),
  };

  // Loaded once the arguments are known good: the compiler and the report renderers take a while to load.
  const { gradeBatch, gradeSubmission, headline } = await import("./grade/index.js");
  const { resultsTable } = await import("./grade/feedback-md.js");
  const { failureResults } = await import("./grade/results-json.js");
  const { writeAtomically } = await import("./grade/outputs.js");
  if (parsed.flags.has("batch")) {
    if (!statSync(submission, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--batch needs a folder of submissions, got ${submission}`);
    const entries = await gradeBatch(submission, lab, { ...common, outDir, progress: err });
    for (const { name, report } of entries) out.write(`${name}: ${report.score}/${report.maxScore}${report.compileError ? " (could not be run)" : ""}\n`);
    out.write(`isolation: ${[...new Set(entries.map((entry) => entry.report.isolation))].join(" | ")}\n`);
    out.write(`reports in ${outDir}/<submission>/, summary in ${join(outDir, "summary.csv")}\n`);
    return entries.some((entry) => entry.report.graderError) ? 1 : 0;
  }

  try {
    if (!existsSync(submission)) throw new UsageError(`no submission at ${submission}`);
    const report = await gradeSubmission(submission, lab, { ...common, outDir, replayTarget: submission });
    out.write(`${report.labTitle} (${report.lab}): ${headline(report, false)}\n`);
    out.write(`isolation: ${report.isolation}\n\n`);
    out.write(`${resultsTable(report.results)}\n\n`);
    for (const result of report.results.filter((r) => r.status === "failed" && !report.compileError)) {
      out.write(`✗ ${result.scenario}: ${result.message}\n  replay: ${result.replay}\n`);
    }
    out.write(`reports in ${outDir} (results.json, junit.xml, feedback.md, feedback.html)\n`);
    return report.graderError ? 1 : 0;
  } catch (error) {
    // Whatever stopped grading, the platform still gets a results.json saying so.
    mkdirSync(outDir, { recursive: true });
    writeAtomically(join(outDir, "results.json"), `${JSON.stringify(failureResults((error as Error).message ?? String(error)), null, 2)}\n`);
    throw error;
  }
}

async function validate(args: readonly string[], out: NodeJS.WriteStream): Promise<number> {
  const parsed = parse(args, ["lab", "jobs", "isolation", ...TREE_OPTIONS], []);
  if (parsed.positional.length > 0) throw new UsageError(`validate takes no arguments besides options, got ${parsed.positional.join(" ")}`);
  const tree = treeOf(parsed);
  const labs = parsed.values.get("lab") ?? listLabs(tree);
  if (labs.length === 0) throw new UsageError(`no lab is built under ${tree.distRoot}`);
  const jobs = integer(parsed, "jobs", 1);
  const isolation = choice<IsolationRequest>(parsed, "isolation", ["auto", "none"]);
  const { formatValidation, validateLab } = await import("./grade/index.js");
  const rows = (
    await Promise.all(labs.map((lab) => validateLab(lab, { tree, ...(jobs ? { concurrency: jobs } : {}), ...(isolation ? { isolation } : {}) })))
  ).flat();
  out.write(formatValidation(rows));
  return rows.every((row) => row.ok) ? 0 : 1;
}

async function graderPackage(args: readonly string[], out: NodeJS.WriteStream): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== "package") throw new UsageError(`unknown grader command ${JSON.stringify(sub ?? "")} (did you mean \`pardis grader package\`?)`);
  const parsed = parse(rest, ["lab", "out", ...TREE_OPTIONS], []);
  if (parsed.positional.length > 0) throw new UsageError(`grader package takes no arguments besides options, got ${parsed.positional.join(" ")}`);
  const tree = treeOf(parsed);
  const lab = requiredLab(parsed, tree);
  const outDir = one(parsed, "out");
  if (!outDir) throw new UsageError("grader package needs --out DIR");
  const { packageLab } = await import("./grade/index.js");
  const result = await packageLab({ lab, out: outDir, tree });
  out.write(`Gradescope autograder: ${result.zip}\ncontainer recipe: ${result.dockerfile}\n(unzipped in ${result.dir})\n`);
  return 0;
}

async function publishCommand(args: readonly string[], out: NodeJS.WriteStream): Promise<number> {
  const parsed = parse(args, ["out", "lab", "python"], ["execute"]);
  if (parsed.positional.length > 0) throw new UsageError(`publish takes no arguments besides options, got ${parsed.positional.join(" ")}`);
  const { publish } = await import("./publish/index.js");
  const labs = parsed.values.get("lab");
  const python = one(parsed, "python");
  const result = await publish({
    out: resolve(one(parsed, "out") ?? "publish"),
    ...(labs ? { labs } : {}),
    ...(python ? { python } : {}),
    execute: parsed.flags.has("execute"),
    log: (line) => out.write(`${line}\n`),
  });
  out.write(`student notebooks: ${result.student.length}, site: ${result.site.dir} (${result.site.pages.length} pages), grader bundles: ${result.grader.map((b) => `${b.lab} (${b.kind})`).join(", ") || "none"}\n`);
  return 0;
}

/** Runs one grader command; returns the exit code. */
export async function runGraderCommand(args: readonly string[], out = process.stdout, err = process.stderr): Promise<number> {
  const [command, ...rest] = args;
  if (rest.includes("--help") || rest.includes("-h")) {
    out.write(`usage:\n${GRADER_USAGE}`);
    return 0;
  }
  try {
    switch (command) {
      case "grade":
        return await grade(rest, out, err);
      case "validate":
        return await validate(rest, out);
      case "grader":
        return await graderPackage(rest, out);
      case "publish":
        return await publishCommand(rest, out);
      default:
        throw new UsageError(`not a grader command: ${JSON.stringify(command ?? "")}`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error instanceof GraderError && ["bad-arguments", "unknown-lab", "unknown-scenario"].includes(error.code))) {
      err.write(`pardis ${command}: ${error.message}\n\nusage:\n${GRADER_USAGE}`);
      return 2;
    }
    if (error instanceof GraderError) {
      err.write(`pardis ${command}: ${error.message}\n`);
      return 1;
    }
    err.write(`pardis ${command}: the grader failed: ${String((error as Error)?.stack ?? error)}\n`);
    return 1;
  }
}

// Run as a program (kernel/cli.ts starts it), not when imported.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runGraderCommand(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`pardis: ${String(error?.stack ?? error)}\n`);
      process.exit(1);
    },
  );
}
