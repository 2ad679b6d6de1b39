// Attack: find process on the global object. Fence: the compartment's globalThis has only its endowments.
export function solve(): number {
  const host = (globalThis as unknown as { process: NodeJS.Process }).process;
  return host.getBuiltinModule("fs").readFileSync("/etc/hostname").length;
}
export function tally(): void {}
