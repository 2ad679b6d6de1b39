// Attack: reach Node's internals through process.binding. Fence: no process in the compartment.
export function solve(): number {
  const fs = (process as unknown as { binding(name: string): unknown }).binding("fs");
  return Number(fs);
}
export function tally(): void {}
