/**
 * The published course site as a visitor sees it: served from disk by a tiny
 * static server on 127.0.0.1, every page opened in headless chromium with no
 * network. Each page loads without console errors or failed requests, code is
 * highlighted, saved plotly figures are drawn by the bundled plotly.js, output
 * text cannot inject script, and no page refers to an http(s) resource.
 * Screenshots: tests/artifacts/site-*.png. A second publish runs a course
 * notebook in the pardis kernel first (`execute`) and its plot is drawn too.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { findLabs, publish, type PublishResult } from "../../grader/publish/index.js";
import { launchBrowser } from "../support/browser.js";
import { notebooksDir } from "../support/course.js";
import { repoRoot } from "../support/kernel-client.js";

const ARTIFACTS = join(repoRoot, "tests", "artifacts");
const FIXTURES = join(repoRoot, "tests", "fixtures", "publish");
const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".ipynb": "application/json" };

/** Serves a folder read-only on 127.0.0.1 (paths cannot leave it). */
function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    const file = join(dir, path.endsWith("/") ? `${path}index.html` : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      response.writeHead(404).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` })));
}

/** Resource references (not plain links) that would leave the machine. */
function remoteResources(html: string): string[] {
  const tags = [...html.matchAll(/<(script|link|img|iframe|source|video|audio|embed|object)\b[^>]*?\b(src|href|data)\s*=\s*["']?(https?:|\/\/)[^"'\s>]*/gi)].map((m) => m[0]);
  const css = [...html.matchAll(/url\(\s*["']?(https?:|\/\/)[^)]*\)|@import\s+["']?(https?:|\/\/)[^;]*/gi)].map((m) => m[0]);
  return [...tags, ...css];
}

let work: string;
let published: PublishResult;
let site: { server: Server; url: string };
let context: BrowserContext | undefined;
let page: Page;
let consoleErrors: string[] = [];
let externalRequests: string[] = [];
const badResponses: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  work = mkdtempSync(join(tmpdir(), "pardis-publish-site-"));
  // The real course plus a notebook holding saved outputs of every kind; the real labs plus the fixture lab.
  const course = join(work, "course");
  cpSync(notebooksDir, course, { recursive: true });
  cpSync(join(FIXTURES, "course", "99-saved-outputs.ipynb"), join(course, "99-saved-outputs.ipynb"));
  const labs = join(work, "labs");
  mkdirSync(labs);
  for (const id of findLabs(join(repoRoot, "labs"))) symlinkSync(join(repoRoot, "labs", id), join(labs, id));
  symlinkSync(join(FIXTURES, "labs", "demo-lab"), join(labs, "demo-lab"));
  published = await publish({ labsDir: labs, courseDir: course, out: join(work, "out"), grader: false });
  site = await serve(published.site.dir);
  const browser = await launchBrowser(join(work, "chromium"));
  ({ context, page, consoleErrors, externalRequests } = browser);
  page.on("response", (response) => {
    if (response.status() >= 400) badResponses.push(`${response.status()} ${response.url()}`);
  });
}, 120_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  site?.server.close();
  if (work) rmSync(work, { recursive: true, force: true, maxRetries: 3 });
});

describe("the published site", () => {
  test("has an index, every course notebook in order, then the labs", () => {
    const course = readdirSync(notebooksDir).filter((file) => /^\d\d-.*\.ipynb$/.test(file)).sort().map((file) => file.replace(".ipynb", ".html"));
    expect(published.site.pages).toEqual(["index.html", ...course, "99-saved-outputs.html", ...published.student.map((file) => `labs/${file.split("/").at(-1)!.replace(".ipynb", ".html")}`)]);
    expect(published.site.pages).toContain("labs/demo-lab.html");
    console.log(`published ${published.site.pages.length} pages; labs: ${published.student.map((file) => file.split("/").at(-1)).join(", ")}`);
  });

  test("no page or stylesheet refers to an http(s) resource", () => {
    const files = [...published.site.pages, "assets/site.css", "assets/site.js"];
    const found = files.flatMap((file) => remoteResources(readFileSync(join(published.site.dir, file), "utf8")).map((ref) => `${file}: ${ref}`));
    expect(found).toEqual([]);
  });

  test("every page loads in chromium, highlighted, its figures drawn", async () => {
    for (const path of published.site.pages) {
      const errorsBefore = consoleErrors.length;
      await page.goto(site.url + path, { waitUntil: "load" });
      const figures = await page.locator(".plotly-figure").count();
      for (let i = 0; i < figures; i++) await page.locator(".plotly-figure").nth(i).locator("svg.main-svg").first().waitFor({ timeout: 30_000 });
      const codeCells = await page.locator(".cell.code").count();
      if (codeCells > 0) expect(await page.locator(".cell.code code.hljs span[class^='hljs-']").count(), `${path}: highlighted code`).toBeGreaterThan(0);
      if (path !== "index.html") expect(await page.locator("nav.pager a.up").first().getAttribute("href")).toMatch(/(\.\.\/)?index\.html$/);
      expect(consoleErrors.slice(errorsBefore), path).toEqual([]);
    }
    expect(badResponses).toEqual([]);
    expect(externalRequests).toEqual([]);
    await page.goto(site.url + "index.html");
    await page.screenshot({ path: join(ARTIFACTS, "site-index.png"), fullPage: true });
  }, 180_000);

  test("saved outputs of every kind render, and none injects script", async () => {
    await page.goto(site.url + "99-saved-outputs.html");
    await page.locator(".plotly-figure svg.main-svg").first().waitFor({ timeout: 30_000 });
    expect(await page.locator(".plotly-figure .gtitle").first().textContent()).toBe("Speedup of the fixture");
    const streams = await page.locator(".output-stream.stdout").allTextContents();
    expect(streams.join("")).toContain("line one\ngreen <script>window.__xss = 1</script>");
    expect(await page.locator(".output-stream.stderr").textContent()).toContain("careful: stderr");
    expect(await page.locator(".output-text").first().textContent()).toContain('<img src=x onerror="window.__xss = 2">');
    expect(await page.locator(".output-error").textContent()).toMatch(/^Error: on purpose <script>/);
    expect(await page.locator(".output-error").textContent()).not.toContain("\u001b");
    expect(await page.locator(".output-html em.deliberate").textContent()).toBe("deliberate html");
    expect(await page.locator(".output-markdown strong").textContent()).toBe("bold");
    const images = page.locator("img.output-image");
    expect(await images.count()).toBe(2);
    for (let i = 0; i < 2; i++) expect(await images.nth(i).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await page.evaluate(() => [(window as unknown as { __xss?: number }).__xss, (window as unknown as { __svgRan?: boolean }).__svgRan])).toEqual([undefined, undefined]);
    // Links between notebooks lead to their pages.
    expect(await page.locator(".markdown a", { hasText: "the start" }).getAttribute("href")).toBe("00-start-here.html");
    expect(await page.locator(".markdown a", { hasText: "demo lab" }).getAttribute("href")).toBe("labs/demo-lab.html");
    await page.locator(".cell.code").nth(1).screenshot({ path: join(ARTIFACTS, "site-plot.png") });
    await page.screenshot({ path: join(ARTIFACTS, "site-saved-outputs.png"), fullPage: true });
  });

  test("a lab page shows the student notebook (stubs, no solution) and offers it for download", async () => {
    await page.goto(site.url + "labs/demo-lab.html");
    const text = await page.locator("article.notebook").textContent();
    expect(text).toContain('throw new Error("not implemented yet");');
    expect(text).not.toMatch(/secret-|BEGIN SOLUTION/);
    const download = await page.locator("p.download a").getAttribute("href");
    const notebook = await page.evaluate(async (href) => (await fetch(href)).json(), download!);
    expect((notebook as { cells: unknown[] }).cells.length).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, "site-lab.png"), fullPage: true });
  });
});

describe("publishing with execute", () => {
  test("runs a course notebook in the pardis kernel and the site draws its plot", async () => {
    const course = join(work, "course-executed");
    mkdirSync(course);
    cpSync(join(notebooksDir, "00-start-here.ipynb"), join(course, "00-start-here.ipynb"));
    const result = await publish({ labsDir: join(work, "no-labs"), courseDir: course, out: join(work, "out-executed"), execute: true, grader: false });
    expect(result.executed.map((run) => run.notebook)).toEqual(["00-start-here.ipynb"]);
    console.log(`00-start-here ran in ${result.executed[0]!.seconds.toFixed(1)} s`);
    const executed = await serve(result.site.dir);
    try {
      const errorsBefore = consoleErrors.length;
      await page.goto(executed.url + "00-start-here.html");
      await page.locator(".plotly-figure svg.main-svg").first().waitFor({ timeout: 30_000 });
      // The runaway loop is shown as written (it ran blank), the deliberate type error as an error output.
      expect(await page.locator(".cell.code", { hasText: "while (true) spins++;" }).count()).toBe(1);
      expect(await page.locator(".output-error").count()).toBeGreaterThan(0);
      expect(consoleErrors.slice(errorsBefore)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, "site-executed.png"), fullPage: true });
    } finally {
      executed.server.close();
    }
  }, 180_000);
});
