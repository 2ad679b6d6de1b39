/**
 * Check-yourself cells: right, wrong and unanswered answers each say so, with
 * the explanation only for a right answer and the hint for a wrong one, and a
 * checker that throws never breaks the cell.
 */
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { YOUR_ANSWER, checkYourself, isRight } from "../../runtime/index.js";

let printed: string[];
beforeEach(() => {
  printed = [];
  vi.spyOn(console, "log").mockImplementation((text: unknown) => void printed.push(String(text)));
});
afterEach(() => vi.restoreAllMocks());

const question = { question: "Chefs sharing one kitchen are ...", expected: "parallel", explain: "One memory: the kitchen.", hint: "Who shares the pantry?" };

test("a right answer (trimmed, any case) shows the explanation; a wrong one the hint, not the answer", () => {
  checkYourself({ ...question, answer: " Parallel" });
  expect(printed.at(-1)).toBe("✅ Right. Chefs sharing one kitchen are ...\nOne memory: the kitchen.");
  checkYourself({ ...question, answer: "distributed" });
  expect(printed.at(-1)).toBe("❌ Not yet. Chefs sharing one kitchen are ...\nWho shares the pantry?");
  expect(printed.at(-1)).not.toContain("parallel");
});

test("the placeholder counts as not answered yet", () => {
  expect(checkYourself({ ...question, answer: YOUR_ANSWER })).toBeUndefined();
  expect(printed.at(-1)).toMatch(/^✏️ Not answered yet\./);
});

test("numbers within a tolerance, arrays as JSON, predicates, and a predicate that throws is just wrong", () => {
  expect(isRight(1.85, { near: 1.9, tolerance: 0.1 })).toBe(true);
  expect(isRight(1.7, { near: 1.9, tolerance: 0.1 })).toBe(false);
  expect(isRight("1.9", { near: 1.9, tolerance: 0.1 })).toBe(false);
  expect(isRight([1, 2], [1, 2])).toBe(true);
  expect(isRight([2, 1], [1, 2])).toBe(false);
  expect(isRight(4, (a) => typeof a === "number" && a % 2 === 0)).toBe(true);
  expect(isRight(undefined, (a) => (a as { x: number }).x > 0)).toBe(false);
});
