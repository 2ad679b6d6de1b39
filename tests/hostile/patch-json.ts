// Attack: rewrite JSON.stringify so the reported answers come out right. Fence: frozen intrinsics.
export function solve(): number {
  JSON.stringify = () => '{"n":1,"answer":1}';
  return 0;
}
export function tally(): void {}
