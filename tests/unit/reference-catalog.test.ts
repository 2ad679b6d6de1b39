/**
 * The catalog that lets a node process load one reference program's module
 * (runtime/node/reference/catalog.ts) must name every program that carries a
 * recipe, and each module must export it: a missing entry would still work
 * (the node falls back to the whole index), a wrong one would not start.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { REFERENCE_MODULES } from "../../runtime/node/reference/catalog.js";
import * as pardis from "../../runtime/index.js";

const referenceDir = join(import.meta.dirname, "..", "..", "runtime", "node", "reference");

test("every program that carries a recipe is in the catalog, and its module exports it", async () => {
  const named = readdirSync(referenceDir)
    .filter((file) => file.endsWith(".ts"))
    .flatMap((file) => [...readFileSync(join(referenceDir, file), "utf8").matchAll(/\}, "(\w+)"(?:, \[options\])?\);/g)].map((m) => m[1]!));
  expect(named.length).toBeGreaterThanOrEqual(8);
  expect(Object.keys(REFERENCE_MODULES).sort()).toEqual([...new Set(named)].sort());
  for (const [name, file] of Object.entries(REFERENCE_MODULES)) {
    const module = (await import(join(referenceDir, file.replace(/\.js$/, ".ts")))) as Record<string, unknown>;
    expect(typeof module[name], `${file} exports ${name}`).toBe("function");
    expect((pardis as Record<string, unknown>)[name], `pardis exports ${name}`).toBe(module[name]);
  }
});
