// Attack: kill the grader (or every process it can). Fence: no process in the compartment (and a pid namespace + own uid below it).
export function solve(): number {
  process.kill(1, "SIGKILL");
  return 0;
}
export function tally(): void {}
