/**
 * nbclient (from PyPI) executes a notebook with the pardis kernel, as a grader or
 * `jupyter nbconvert --execute` would, and the saved notebook holds every output.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { repoRoot } from "../support/kernel-client.js";
import { runVenv } from "../support/python.js";

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}
interface Cell {
  cell_type: string;
  outputs?: Output[];
}

const joined = (text: string | string[] | undefined) => (Array.isArray(text) ? text.join("") : (text ?? ""));

let dir: string;
let cells: Cell[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pardis-nbclient-"));
  const executed = join(dir, "smoke.ipynb");
  const script = [
    "import sys, nbformat",
    "from nbclient import NotebookClient",
    "nb = nbformat.read(sys.argv[1], as_version=4)",
    "NotebookClient(nb, timeout=120, kernel_name='pardis').execute()",
    "nbformat.write(nb, sys.argv[2])",
  ].join("\n");
  const result = await runVenv("python", ["-c", script, join(repoRoot, "tests/notebooks/smoke.ipynb"), executed]);
  expect(result.code, result.stderr).toBe(0);
  cells = (JSON.parse(readFileSync(executed, "utf8")) as { cells: Cell[] }).cells.filter((c) => c.cell_type === "code");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("console output is saved as stdout and stderr streams", () => {
  const outputs = cells[0]!.outputs!;
  expect(outputs.filter((o) => o.name === "stdout").map((o) => joined(o.text)).join("")).toBe("hello from pardis\n");
  expect(outputs.filter((o) => o.name === "stderr").map((o) => joined(o.text)).join("")).toBe("a line on stderr\n");
});

test("the last expression is saved as an execute_result", () => {
  expect(cells[1]!.outputs!.map((o) => [o.output_type, joined(o.data?.["text/plain"] as string[])])).toEqual([["execute_result", "42"]]);
});

test("display helpers save display_data", () => {
  const [output] = cells[2]!.outputs!;
  expect(output?.output_type).toBe("display_data");
  expect(joined(output?.data?.["text/markdown"] as string)).toBe("**bold** from a cell");
});

test("a plotly figure is saved with its plotly bundle and fallbacks", () => {
  const output = cells[3]!.outputs!.find((o) => o.data?.["application/vnd.plotly.v1+json"]);
  const figure = output?.data?.["application/vnd.plotly.v1+json"] as { data: Array<{ type: string; y: number[] }>; layout: unknown };
  expect(figure.data[0]).toMatchObject({ type: "bar", y: [1, 1.9] });
  expect(figure.layout).toEqual({ title: { text: "speedup" } });
  expect(joined(output?.data?.["text/plain"] as string)).toContain('Plotly figure "speedup"');
  expect(output?.data?.["text/html"]).toBeDefined();
});

test("an error is saved with its name, message and the cell line that threw", () => {
  const error = cells[4]!.outputs!.find((o) => o.output_type === "error");
  expect(error).toMatchObject({ ename: "RangeError", evalue: "division by zero" });
  const traceback = error!.traceback!.join("\n").replace(/\u001b\[[0-9;]*m/g, "");
  expect(traceback).toMatch(/at divide \(cell \d+, line 2\)/);
});

test("cells after an expected error still run with earlier state", () => {
  expect(cells[5]!.outputs!.map((o) => [o.output_type, joined(o.data?.["text/plain"] as string[])])).toEqual([["execute_result", "43"]]);
});
