import { describe, expect, test } from "vitest";
import { cellFrames, errorContent, plainStack } from "../../kernel/ts/traceback.js";

// Zero-based generated line n of cell[3] came from cell line n + 10, as if the cell had a header.
const lookup = (file: string, line: number) => (file === "cell[3]" ? line + 10 : undefined);
const ANSI = /\u001b\[[0-9;]*m/g;

function errorWithStack(stack: string[]): Error {
  const error = new RangeError("too far");
  error.stack = ["RangeError: too far", ...stack].join("\n");
  return error;
}

describe("tracebacks", () => {
  const error = errorWithStack([
    "    at walk (cell[3]:2:9)",
    "    at Array.map (<anonymous>)",
    "    at cell[3]:5:1",
    "    at Evaluator.run (file:///x/dist/kernel/ts/evaluate.js:53:26)",
    "    at AsyncLocalStorage.run (node:async_hooks:346:14)",
    "    at new Promise (<anonymous>)",
  ]);

  test("cell frames point at cell lines and the kernel's own frames are gone", () => {
    const frames = cellFrames(error.stack!, lookup).map((line) => line.replace(ANSI, ""));
    expect(frames).toEqual(["    at walk (cell 3, line 11)", "    at Array.map (<anonymous>)", "    at cell 3, line 14"]);
  });

  test("error content carries name and message separately", () => {
    const content = errorContent(error, lookup);
    expect(content.ename).toBe("RangeError");
    expect(content.evalue).toBe("too far");
    expect(content.traceback[0]!.replace(ANSI, "")).toBe("RangeError: too far");
  });

  test("thrown non-errors still produce a readable error", () => {
    expect(errorContent("plain string", lookup)).toMatchObject({ ename: "Thrown", evalue: "plain string" });
    expect(errorContent({ code: 7 }, lookup).evalue).toBe('{"code":7}');
  });

  test("stderr stacks have no colour codes", () => {
    expect(plainStack(error, lookup)).not.toMatch(ANSI);
    expect(plainStack(error, lookup)).toContain("at walk (cell 3, line 11)");
  });
});
