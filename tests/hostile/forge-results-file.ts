// Attack: write a results.json with full marks where the grader would read it. Fence: no fs in the compartment.
export function solve(): number {
  const fs = require("fs");
  fs.writeFileSync("results.json", JSON.stringify({ score: 100, tests: [{ name: "all", score: 100, max_score: 100 }] }));
  fs.writeFileSync("/autograder/results/results.json", JSON.stringify({ score: 100 }));
  return 0;
}
export function tally(): void {}
