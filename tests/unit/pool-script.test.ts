/**
 * Pools in a plain Node script, outside any kernel: the same calls work, worker
 * output goes to the script's stdout, no progress bars appear unless asked, and
 * the script ends by itself when its work is done (idle workers do not keep it
 * alive). Runs a child `node` on the built package (`npm run build` first).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, expect, test } from "vitest";

const entry = pathToFileURL(join(import.meta.dirname, "../../dist/runtime/index.js")).href;
const dir = mkdtempSync(join(tmpdir(), "pardis-pool-script-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runScript(source: string): { status: number | null; stdout: string; stderr: string } {
  const file = join(dir, `script-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, source);
  const result = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: 60_000, cwd: dir });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("a script maps, reduces, prints from workers and exits by itself without close()", () => {
  const { status, stdout, stderr } = runScript(`
    import { createPool } from ${JSON.stringify(entry)};
    const pool = createPool({ threads: 2 });
    const squares = await pool.map((x) => { if (x === 3) console.log("worker saw 3"); return x * x; }, [1, 2, 3, 4], { chunkSize: 1 });
    const add = (a, b) => a + b;
    const total = await pool.reduce(add, squares, add, 0);
    const captured = await pool.run((x) => x * total, 2).catch((error) => error.code);
    console.log(JSON.stringify({ squares, total, captured, records: pool.trace.records.length }));
  `);
  expect(stderr).toBe("");
  expect(status).toBe(0);
  const lines = stdout.trim().split("\n");
  expect(lines).toContain("worker saw 3");
  expect(lines.filter((line) => line === "worker saw 3")).toHaveLength(1);
  expect(JSON.parse(lines.at(-1)!)).toEqual({ squares: [1, 4, 9, 16], total: 30, captured: "captured-variables", records: 8 });
});

test("speedup() measures in a script and returns the plot's numbers", () => {
  const { status, stdout, stderr } = runScript(`
    import { speedup } from ${JSON.stringify(entry)};
    const burn = (n) => { let s = 0; for (let i = 0; i < n; i++) s += Math.sqrt(i); return s; };
    const figure = await speedup((pool) => pool.map(burn, [200000, 200000, 200000, 200000], { chunkSize: 1 }), { threads: [2], repeat: 2, warmup: 1, label: "burn" });
    console.log(JSON.stringify({ threads: figure.threads, speedups: figure.speedups.length, cores: figure.cores }));
  `);
  expect(stderr).toBe("");
  expect(status).toBe(0);
  const result = JSON.parse(stdout.trim().split("\n").at(-1)!);
  expect(result.threads).toEqual([1, 2]);
  expect(result.speedups).toBe(2);
  expect(result.cores).toBeGreaterThan(0);
});
