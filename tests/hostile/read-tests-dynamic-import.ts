// Attack: import() a Node module at run time. Fence: SES rejects import expressions when loading.
export async function solve(): Promise<number> {
  const fs = await import("node:fs");
  return fs.readFileSync("/etc/hostname").length;
}
export function tally(): void {}
