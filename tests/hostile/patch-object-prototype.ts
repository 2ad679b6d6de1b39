// Attack: prototype pollution, so that the judge's checks see fields that are not there. Fence: frozen intrinsics.
export function solve(): number {
  (Object.prototype as Record<string, unknown>).answer = 55;
  return 0;
}
export function tally(): void {}
