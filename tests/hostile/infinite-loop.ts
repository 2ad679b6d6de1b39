// Attack: never return. Fence: the wall clock kills the run.
export function solve(n: number): number {
  for (;;) n++;
}
export function tally(): void {}
