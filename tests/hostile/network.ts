// Attack: phone home / fetch the answers over the network. Fence: no fetch, no net module in the compartment
// (and its own network namespace below it).
export function solve(): number {
  void fetch("http://127.0.0.1:8080/answers").then((response) => response.text());
  return 0;
}
export function tally(): void {}
