// Attack: spawn processes without end. Fence: no modules in the compartment (and RLIMIT_NPROC below it).
export function solve(): number {
  const { spawn } = require("child_process");
  for (;;) spawn(process.execPath, ["-e", "for(;;){}"], { detached: true });
}
export function tally(): void {}
