// Attack: ArrayBuffers, which the heap limit does not count. Fence: RLIMIT_AS makes the allocation throw.
export function solve(): number {
  const hoard: ArrayBuffer[] = [];
  for (;;) hoard.push(new ArrayBuffer(256 * 1024 * 1024));
}
export function tally(): void {}
