// Attack: exit with code 0 before the tests run. Fence: no process in the compartment (and a missing done record).
export function solve(): number {
  process.exit(0);
}
export function tally(): void {}
