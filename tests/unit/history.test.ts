import { expect, test } from "vitest";
import { History } from "../../kernel/history.js";

function filled(): History {
  const history = new History();
  ["const a = 1", "6 * 7", "a + 1", "6 * 7"].forEach((input, i) => history.record(i + 1, input));
  history.setOutput(2, "42");
  return history;
}

test("tail returns the last n cells", () => {
  expect(filled().query({ hist_access_type: "tail", n: 2 })).toEqual([
    [1, 3, "a + 1"],
    [1, 4, "6 * 7"],
  ]);
});

test("range is half-open and can include outputs", () => {
  expect(filled().query({ hist_access_type: "range", session: 0, start: 2, stop: 3, output: true })).toEqual([[1, 2, ["6 * 7", "42"]]]);
});

test("search matches IPython globs and unique keeps the latest of duplicates", () => {
  const history = filled();
  expect(history.query({ hist_access_type: "search", pattern: "6 * *" }).map((t) => t[1])).toEqual([2, 4]);
  expect(history.query({ hist_access_type: "search", pattern: "6 * *", unique: true }).map((t) => t[1])).toEqual([4]);
});

test("an unknown access type answers with nothing instead of failing", () => {
  expect(filled().query({ hist_access_type: "everything" })).toEqual([]);
});
