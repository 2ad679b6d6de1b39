/**
 * The official Jupyter kernel conformance suite (jupyter_kernel_test from PyPI)
 * against the installed pardis kernelspec. Each Python test becomes one test here,
 * so a failure names the message type that broke.
 */
import { describe, expect, test } from "vitest";
import { runPytest } from "../support/python.js";

const { cases, result } = await runPytest("tests/conformance/test_pardis_kernel.py");

describe("jupyter_kernel_test against the pardis kernelspec", () => {
  test("the suite ran all of its tests", () => {
    // 12 KernelTests of 0.7.x (each configured with real samples) plus the iopub welcome test.
    expect(cases.length, `pytest output:\n${result.stdout}\n${result.stderr}`).toBeGreaterThanOrEqual(13);
    expect(cases.filter((c) => c.outcome === "skipped").map((c) => c.name)).toEqual([]);
  });

  test.each(cases.map((c) => [c.name, c] as const))("%s", (_name, testCase) => {
    expect(testCase.outcome, testCase.message).toBe("passed");
  });
});
