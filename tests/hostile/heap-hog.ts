// Attack: fill the JavaScript heap. Fence: --max-old-space-size (the lab's heapMb) aborts the run.
export function solve(): number {
  const hoard: unknown[] = [];
  for (let i = 0; ; i++) hoard.push(new Array(1 << 20).fill(i));
}
export function tally(): void {}
