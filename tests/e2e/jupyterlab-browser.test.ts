/**
 * pardis in a real JupyterLab 4 in a real browser: the venv's JupyterLab (offline,
 * nothing from ~), headless Debian chromium driven by playwright-core. A notebook
 * with the pardis kernel draws a plotly chart through JupyterLab's plotly
 * renderer, a `while (true) {}` cell is stopped by the toolbar's interrupt button
 * (SIGINT, the kernelspec's interrupt_mode), and the kernel then still answers
 * with the variables it had. Every wait is on a page condition, never a sleep.
 * Leaves tests/artifacts/jupyterlab-browser.png (and the server log) behind.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { repoRoot, venv } from "../support/kernel-client.js";
import { launchBrowser } from "../support/browser.js";
import { emptyNotebook, startJupyterLab, type JupyterLab } from "../support/jupyter-server.js";

const ARTIFACTS = join(repoRoot, "tests", "artifacts");
const SCREENSHOT = join(ARTIFACTS, "jupyterlab-browser.png");
const SERVER_LOG = join(ARTIFACTS, "jupyterlab-browser-server.log");
const NOTEBOOK = "pardis-e2e.ipynb";
/** Generous: the first kernel start and JupyterLab's first load are slow on a two-core machine. */
const WAIT = { timeout: 90_000 };

const spec = JSON.parse(readFileSync(join(venv, "share", "jupyter", "kernels", "pardis", "kernel.json"), "utf8")) as {
  argv: string[];
  display_name: string;
  language: string;
};

let lab: JupyterLab | undefined;
let context: BrowserContext | undefined;
let page: Page;
let userDataDir: string | undefined;
let consoleErrors: string[] = [];
let externalRequests: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  userDataDir = mkdtempSync(join(tmpdir(), "pardis-chromium-"));
  // Server and browser start at the same time; either may fail, and afterAll cleans up whichever started.
  const results = await Promise.allSettled([
    startJupyterLab({ files: { [NOTEBOOK]: emptyNotebook({ name: "pardis", display_name: spec.display_name, language: spec.language }) } }).then(
      (started) => (lab = started),
    ),
    launchBrowser(userDataDir).then((started) => {
      context = started.context;
      page = started.page;
      consoleErrors = started.consoleErrors;
      externalRequests = started.externalRequests;
    }),
  ]);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
}, 180_000);

function diagnostics(notebookText = ""): string {
  // Minified JavaScript in a stack trace (JupyterLab's node helpers) would drown the log.
  const log = (lab?.log() ?? "(no server)").replace(/^.{1000,}$/gm, (line) => `${line.slice(0, 200)}… (${line.length} chars)`);
  return [
    ...(notebookText ? ["--- the notebook as shown ---", notebookText] : []),
    `--- browser console errors (${consoleErrors.length}) ---`,
    ...consoleErrors,
    `--- requests refused for leaving the machine (${externalRequests.length}) ---`,
    ...externalRequests,
    `--- jupyter server log (last 20000 chars; full log in ${SERVER_LOG}) ---`,
    log.slice(-20_000),
  ].join("\n");
}

afterEach(async ({ task }) => {
  if (task.result?.state !== "fail") return;
  await page?.screenshot({ path: SCREENSHOT, fullPage: true }).catch(() => undefined);
  const shown = await page?.locator(".jp-NotebookPanel").innerText({ timeout: 2_000 }).catch(() => "");
  console.error(`[${task.name}] failed; screenshot in ${SCREENSHOT}\n${diagnostics(shown)}`);
});

afterAll(async () => {
  try {
    if (lab) writeFileSync(SERVER_LOG, lab.log());
    await context?.close().catch(() => undefined);
  } finally {
    await lab?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
  }
}, 60_000);

const notebook = () => page.locator(".jp-NotebookPanel");
const cell = (index: number) => notebook().locator(".jp-Notebook .jp-Cell").nth(index);
const kernelStatus = (status: "idle" | "busy") => notebook().locator(`.jp-Notebook-ExecutionIndicator[data-status="${status}"]`);

/** Types `code` into the cell's CodeMirror editor and runs it with Shift+Enter. */
async function runCell(index: number, code: string): Promise<Locator> {
  const target = cell(index);
  const editor = target.locator(".cm-content");
  await editor.click(WAIT);
  await page.keyboard.insertText(code);
  await target.locator(".cm-content", { hasText: code.split("\n").at(-1)! }).waitFor(WAIT);
  await page.keyboard.press("Shift+Enter");
  return target;
}

test("JupyterLab opens the notebook on the venv's pardis kernel", async () => {
  const specs = (await (await lab!.api("api/kernelspecs")).json()) as { kernelspecs: Record<string, { spec: { argv: string[] } }> };
  // Only the venv's kernelspecs (nothing from ~ or the system), and pardis is this checkout's build.
  expect(Object.keys(specs.kernelspecs).sort()).toEqual(readdirSync(join(venv, "share", "jupyter", "kernels")).sort());
  expect(specs.kernelspecs.pardis?.spec.argv).toContain(join(repoRoot, "dist", "kernel", "main.js"));

  await page.goto(lab!.url(`lab/tree/${NOTEBOOK}`), WAIT);
  await notebook().locator(".jp-Toolbar-kernelName", { hasText: spec.display_name }).waitFor(WAIT);
  await kernelStatus("idle").waitFor(WAIT);
  // The kernel came from the notebook's metadata: no kernel picker dialog.
  expect(await page.locator(".jp-Dialog").count()).toBe(0);
}, 120_000);

test("a plotly figure renders as a chart through JupyterLab's plotly renderer, offline", async () => {
  const figureCell = await runCell(
    0,
    [
      'import { figure } from "pardis";',
      "const answer = 6 * 7;",
      "let spins = 0;",
      "figure({",
      '  data: [{ type: "bar", x: ["threads", "processes", "nodes"], y: [3, 5, 8], name: "speedup" }],',
      '  layout: { title: "pardis in JupyterLab", height: 320 },',
      "})",
    ].join("\n"),
  );
  const chart = figureCell.locator(".jp-OutputArea-output.jp-RenderedPlotly.js-plotly-plot");
  await chart.locator("svg.main-svg").first().waitFor(WAIT);
  // Three bars drawn by plotly.js, and the title (a string in the cell, which plotly.js 3+ only draws as { text }).
  await chart.locator("svg.main-svg .trace.bars .point path").nth(2).waitFor(WAIT);
  expect(await chart.locator("svg.main-svg .trace.bars .point path").count()).toBe(3);
  await chart.locator("svg .gtitle", { hasText: "pardis in JupyterLab" }).waitFor(WAIT);
  // The plotly MIME type won over the HTML fallback.
  expect(await figureCell.locator(".pardis-plotly-fallback").count()).toBe(0);
  await figureCell.locator(".jp-InputPrompt", { hasText: "[1]" }).waitFor(WAIT);
  await kernelStatus("idle").waitFor(WAIT);
}, 120_000);

test("the toolbar's interrupt button stops `while (true) {}`", async () => {
  const loopCell = await runCell(1, ['console.log("spinning");', "while (true) { spins++; }"].join("\n"));
  // The loop runs: the kernel is busy with it and its first output has arrived.
  await loopCell.locator(".jp-OutputArea-output", { hasText: "spinning" }).waitFor(WAIT);
  await kernelStatus("busy").waitFor(WAIT);
  expect(await loopCell.locator(".jp-InputPrompt").innerText()).toContain("[*]");

  await notebook().locator('.jp-Toolbar [data-command="notebook:interrupt-kernel"]').click(WAIT);

  await loopCell.locator(".jp-OutputArea-output", { hasText: "InterruptError" }).waitFor(WAIT);
  await loopCell.locator(".jp-InputPrompt", { hasText: "[2]" }).waitFor(WAIT);
  await kernelStatus("idle").waitFor(WAIT);
}, 120_000);

test("after the interrupt the kernel still answers and kept its variables", async () => {
  const stateCell = await runCell(2, "`answer=${answer} spun=${spins > 0}`");
  await stateCell.locator(".jp-OutputArea-output", { hasText: "answer=42 spun=true" }).waitFor(WAIT);
  await stateCell.locator(".jp-InputPrompt", { hasText: "[3]" }).waitFor(WAIT);
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  expect(consoleErrors, diagnostics()).toEqual([]);
  expect(externalRequests, "JupyterLab reached for the network").toEqual([]);
}, 120_000);
