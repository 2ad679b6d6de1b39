/**
 * Shorthand properties are written out before tslab converts a cell, so an
 * earlier cell's variable used as `{ a }` is read like `a` (tslab missed the
 * shorthand form: a ReferenceError at run time). Checked on the text and
 * through tslab's real converter.
 */
import { createRequire } from "node:module";
import vm from "node:vm";
import ts from "typescript";
import { expect, test } from "vitest";
import { expandShorthandProperties } from "../../kernel/ts/shorthand.js";

test("shorthand properties become long ones, on the same line; other code is untouched", () => {
  expect(expandShorthandProperties(ts, "const r = { a, b: 2, c };\nf({ a });")).toBe("const r = { a: a, b: 2, c: c };\nf({ a: a });");
  expect(expandShorthandProperties(ts, "({ a = 1, b } = o);")).toBe("({ a: a = 1, b: b } = o);");
  expect(expandShorthandProperties(ts, "const { a, b } = o; type T = { a: 1 };")).toBe("const { a, b } = o; type T = { a: 1 };");
  expect(expandShorthandProperties(ts, "x + 1")).toBe("x + 1");
});

test("through tslab's converter, an earlier cell's variable in shorthand reads the shared value", () => {
  const require = createRequire(import.meta.url);
  const converter = require("tslab/dist/converter").createConverter();
  try {
    const first = converter.convert("", "const a = 41;");
    const second = converter.convert(first.declOutput, expandShorthandProperties(ts, "const r = { a };\nconst g = () => ({ a });"));
    expect(second.diagnostics).toEqual([]);
    const exports: Record<string, unknown> = { a: 41 };
    vm.runInNewContext(second.output, { exports });
    expect(exports.r).toEqual({ a: 41 });
    expect((exports.g as () => unknown)()).toEqual({ a: 41 });
  } finally {
    converter.close();
  }
});
