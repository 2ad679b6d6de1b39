// Attack: re-bind globalThis.Int32Array so the harness's counter view lies (it beat every defence but SES in
// sandbox-anchors §3). Fence: the compartment's globalThis is its own; the exercise never sees the rebinding.
export function solve(n: number): number {
  return (n * (n + 1)) / 2;
}
export function tally(): void {
  (globalThis as Record<string, unknown>).Int32Array = class extends Uint8Array {
    constructor() {
      super(4);
      this[0] = 2000 % 256;
    }
  };
}
