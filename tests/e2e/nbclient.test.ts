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

const plotly = (output: Output | undefined) =>
  output?.data?.["application/vnd.plotly.v1+json"] as { data: Array<{ type?: string; name?: string; x?: unknown[]; y?: unknown[] }> } | undefined;

test("a function defined in a cell is mapped over a pool and its results come back in order", () => {
  const outputs = cells[6]!.outputs!;
  expect(outputs.filter((o) => o.output_type === "error")).toEqual([]);
  expect(outputs.filter((o) => o.name === "stdout").map((o) => joined(o.text)).join("")).toBe("longest chain below 2001: 181 steps\n");
});

test("the pool's trace is saved as a Gantt chart with one bar per map chunk", () => {
  const output = cells[7]!.outputs!.find((o) => plotly(o));
  const bars = plotly(output)!.data.filter((trace) => trace.type === "bar");
  // 2000 items in chunks of 100: twenty tasks, each on one of the two workers.
  expect(bars.reduce((sum, trace) => sum + (trace.x?.length ?? 0), 0)).toBe(20);
  for (const lane of bars.flatMap((trace) => trace.y ?? [])) expect(lane).toMatch(/^worker [01]$/);
  expect(joined(output?.data?.["text/plain"] as string)).toMatch(/^collatz on 2 workers: 20 tasks, 20 ok/);
});

test("the speedup plot is saved with the measured points and the table behind them", () => {
  const output = cells[8]!.outputs!.find((o) => plotly(o));
  const measured = plotly(output)!.data.find((trace) => trace.name?.startsWith("measured (median"));
  expect(measured?.x).toEqual([1, 2]);
  expect(measured?.y?.[0]).toBe(1);
  const text = joined(output?.data?.["text/plain"] as string);
  expect(text).toContain("threads | median ms | speedup | efficiency");
  expect(text).toMatch(/^\s+1 \|.*\|\s+1\.00x \|\s+100%$/m);
  expect(text).toMatch(/^\s+2 \|/m);
  expect(cells[9]!.outputs!.filter((o) => o.output_type === "error")).toEqual([]);
});

test("a 5-node simulation through a partition and a crash is judged by the broadcast checker", () => {
  const outputs = cells[10]!.outputs!;
  expect(outputs.filter((o) => o.output_type === "error")).toEqual([]);
  expect(outputs.filter((o) => o.name === "stdout").map((o) => joined(o.text)).join("")).toMatch(/^ok: delivered: all \d+ acknowledged messages reached all 5 node\(s\)/);
});

test("the Lamport diagram is saved with the partition, the crash and the dropped messages", () => {
  const output = cells[11]!.outputs!.find((o) => plotly(o));
  const names = plotly(output)!.data.map((trace) => trace.name ?? "");
  expect(names.some((name) => /^dropped \(\d+ partition, \d+ crashed\)$/.test(name))).toBe(true);
  expect(names).toEqual(expect.arrayContaining(["gossip", "crash", "restart", "partition"]));
  const text = joined(output?.data?.["text/plain"] as string);
  expect(text).toContain("500.0 ms partition {n0 n1} | {n2 n3 n4}");
  expect(text).toContain("900.0 ms crash n3");
  expect(text).toMatch(/^replay: pardis-sim \{"seed":7,/m);
});

test("the operation timeline carries the checker's verdict", () => {
  const output = cells[12]!.outputs!.find((o) => plotly(o));
  expect(plotly(output)!.data.some((trace) => trace.type === "bar" && trace.name === "ok")).toBe(true);
  expect(joined(output?.data?.["text/plain"] as string)).toMatch(/^✓ broadcast: delivered/m);
});

test("a 3-node real cluster loses a node to SIGKILL, restarts it from disk, and still delivers every broadcast", () => {
  const outputs = cells[13]!.outputs!;
  expect(outputs.filter((o) => o.output_type === "error")).toEqual([]);
  const stdout = outputs.filter((o) => o.name === "stdout").map((o) => joined(o.text)).join("");
  expect(stdout).toContain("n0: incarnation 0\nn1: incarnation 1\nn2: incarnation 0\n");
  expect(stdout).toMatch(/^delivered: all \d+ acknowledged messages reached all 3 node\(s\)/m);
  // The live table was updated in place to the final state.
  const live = outputs.find((o) => o.output_type === "display_data" && joined(o.data?.["text/html"] as string).includes("pardis-cluster"));
  expect(joined(live?.data?.["text/plain"] as string)).toMatch(/^n1\s+stopped\s+sent \d+/m);
});

test("the real cluster's Lamport diagram shows the crash and the restart", () => {
  const output = cells[14]!.outputs!.find((o) => plotly(o));
  const names = plotly(output)!.data.map((trace) => trace.name ?? "");
  expect(names).toEqual(expect.arrayContaining(["gossip", "crash", "restart"]));
  const text = joined(output?.data?.["text/plain"] as string);
  expect(text).toMatch(/ms crash n1/);
  expect(text).toMatch(/^replay: pardis-net \{"seed":1,/m);
});
