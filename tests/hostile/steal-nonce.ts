// Attack: read the channel's nonce from a V8 heap snapshot and forge records. Fence: no node:v8 in the compartment.
export function solve(): number {
  const v8 = require("v8");
  v8.getHeapSnapshot();
  return 0;
}
export function tally(): void {}
