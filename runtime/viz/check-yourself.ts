/**
 * "Check yourself" cells of the course: the learner writes an answer into a
 * variable, runs the cell, and sees at once whether it is right, with the
 * reason either way (a wrong answer gets the hint, never the solution). It
 * never throws, so a notebook run top to bottom with the placeholder answer
 * still completes. It returns nothing, so a cell ending with it shows only the
 * verdict (no stray `false` under it); `isRight` answers the same question
 * for a cell that wants to go on from there.
 */
import { display } from "./display.js";

export type Expected =
  /** Equal to this (strings compared trimmed and case-insensitively; arrays and objects as JSON). */
  | string | number | boolean | readonly unknown[]
  /** A number within `tolerance` of `near`. */
  | { near: number; tolerance: number }
  /** Whatever this accepts. */
  | ((answer: unknown) => boolean);

export interface CheckYourself {
  question: string;
  answer: unknown;
  expected: Expected;
  /** Why the right answer is right: shown when the answer is right. */
  explain: string;
  /** A nudge shown when the answer is wrong. @default the question again */
  hint?: string;
}

/** The placeholder a course cell starts with; an answer still equal to it is "not answered yet". */
export const YOUR_ANSWER = "your answer here";

function normal(value: unknown): string {
  return typeof value === "string" ? value.trim().toLowerCase() : JSON.stringify(value);
}

export function isRight(answer: unknown, expected: Expected): boolean {
  if (typeof expected === "function") {
    try {
      return expected(answer) === true;
    } catch {
      return false;
    }
  }
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    const { near, tolerance } = expected as { near: number; tolerance: number };
    return typeof answer === "number" && Math.abs(answer - near) <= tolerance;
  }
  return normal(answer) === normal(expected);
}

const escape = (text: string) => text.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!);

/** Shows ✅ with the explanation, ❌ with the hint, or a prompt to answer. */
export function checkYourself(check: CheckYourself): void {
  const unanswered = check.answer === YOUR_ANSWER || check.answer === undefined;
  const right = !unanswered && isRight(check.answer, check.expected);
  const [mark, verdict, detail] = unanswered
    ? ["✏️", "Not answered yet", "Put your answer in the variable above and run the cell again."]
    : right
      ? ["✅", "Right", check.explain]
      : ["❌", "Not yet", check.hint ?? `Think again: ${check.question}`];
  const colour = unanswered ? "#888" : right ? "#2a7" : "#c33";
  display.bundle({
    "text/html": `<div class="pardis-check" style="border-left:4px solid ${colour};padding:4px 10px"><b>${mark} ${verdict}.</b> <i>${escape(check.question)}</i><br>${escape(detail)}</div>`,
    "text/plain": `${mark} ${verdict}. ${check.question}\n${detail}`,
  });
}
