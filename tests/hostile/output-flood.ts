// Attack: print without end (fill the grader's memory or disk). Fence: output capped, run killed.
export function solve(): number {
  const line = "flood ".repeat(1000);
  for (;;) console.log(line);
}
export function tally(): void {}
