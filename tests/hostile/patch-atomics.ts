// Attack: make the harness's Atomics.load report a full counter. Fence: Atomics is hardened before it is endowed.
export function solve(n: number): number {
  return (n * (n + 1)) / 2;
}
export function tally(): void {
  (Atomics as unknown as { load: () => number }).load = () => 2000;
}
