/**
 * Runs a notebook top to bottom in the pardis kernel with nbclient (the
 * project's .venv, made by the setup script) so that its saved outputs (plots
 * above all) can be rendered on the site. Course notebooks are stored without
 * outputs; this is how the published site gets them.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { GraderError } from "../errors.js";
import { parseNotebook, type Notebook } from "../notebook.js";

/**
 * Cells tagged `skip-execution` (a loop meant to be stopped by hand) run blank
 * and get their source back afterwards; cells tagged `raises-exception` may
 * fail (nbclient's own convention); any other error fails the run.
 */
const RUNNER = String.raw`
import json, sys, time
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

source, output, cwd, timeout = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
nb = nbformat.read(source, as_version=4)
skipped = {}
for index, cell in enumerate(nb.cells):
    if "skip-execution" in cell.get("metadata", {}).get("tags", []):
        skipped[index] = cell.source
        cell.source = ""
started = time.monotonic()
error = None
try:
    NotebookClient(nb, timeout=timeout, kernel_name="pardis", record_timing=False, resources={"metadata": {"path": cwd}}).execute()
except CellExecutionError as failure:
    error = str(failure)[:4000]
for index, text in skipped.items():
    nb.cells[index].source = text
nbformat.write(nb, output)
print(json.dumps({"seconds": time.monotonic() - started, "error": error}))
`;

export interface ExecuteOptions {
  /** The Python with nbclient and the pardis kernelspec. @default `<package>/.venv/bin/python` */
  readonly python?: string;
  /** Per-cell limit in seconds. @default 170 */
  readonly cellTimeoutSeconds?: number;
}

export interface Executed {
  readonly notebook: Notebook;
  readonly seconds: number;
}

export function defaultPython(packageRoot: string): string {
  const venv = join(packageRoot, ".venv", "bin", "python");
  return existsSync(venv) ? venv : "python3";
}

function run(python: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Executes the notebook at `path` (its folder is the kernel's working directory) and returns it with outputs. */
export async function executeNotebook(path: string, python: string, options: ExecuteOptions = {}): Promise<Executed> {
  const dir = mkdtempSync(join(tmpdir(), "pardis-publish-run-"));
  try {
    const output = join(dir, "executed.ipynb");
    const args = ["-c", RUNNER, path, output, dirname(path), String(options.cellTimeoutSeconds ?? 170)];
    let result;
    try {
      result = await run(python, args);
    } catch (cause) {
      throw new GraderError("notebook-execution", `cannot start ${python} to run ${path} (${(cause as Error).message}); run \`npm run setup\` to make the project's .venv`, { cause });
    }
    if (result.code !== 0) {
      throw new GraderError("notebook-execution", `running ${path} failed (exit ${result.code}):\n${result.stderr.slice(-3000)}`);
    }
    const summary = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}") as { seconds: number; error: string | null };
    if (summary.error) throw new GraderError("notebook-execution", `${path} stopped on an error:\n${summary.error}`);
    return { notebook: parseNotebook(readFileSync(output, "utf8"), path), seconds: summary.seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
