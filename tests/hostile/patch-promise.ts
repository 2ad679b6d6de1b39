// Attack: monkeypatch the harness's machinery (Promise.prototype.then, Array.prototype.push) to drop or fake results.
// Fence: frozen intrinsics.
export function solve(): number {
  Array.prototype.push = function (): number {
    return 0;
  };
  return 0;
}
export function tally(): void {}
