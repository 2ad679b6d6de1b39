import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * A tiny shell process that outlives the kernel by design: it reads child pids
 * on a pipe, and when the pipe closes (the kernel exited, crashed or was
 * SIGKILLed) it kills them and, if the kernel led its process group as Jupyter
 * starts it, that whole group. Nothing a cell started survives the kernel.
 * It runs in its own session so that Jupyter's SIGINT to the kernel's group
 * (an interrupt) does not end it. `kill -9 -PGID`, not `kill -KILL -- -PGID`:
 * dash (Debian's /bin/sh) rejects the `--` and would kill no group at all.
 */
const SCRIPT = `
trap '' INT HUP
targets=""
while IFS= read -r pid; do targets="$targets $pid"; done
for pid in $targets; do kill -9 "$pid" 2>/dev/null; kill -9 "-$pid" 2>/dev/null; done
if [ -n "$REAP_GROUP" ]; then kill -9 "-$REAP_GROUP" 2>/dev/null; fi
exit 0
`;

/** Process group id of this process, from /proc (Node has no getpgrp). */
function processGroup(): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[2]);
  } catch {
    return undefined;
  }
}

export class Reaper {
  readonly #child: ChildProcess;

  constructor() {
    const leadsGroup = processGroup() === process.pid;
    this.#child = spawn("/bin/sh", ["-c", SCRIPT], {
      stdio: ["pipe", "ignore", "ignore"],
      detached: true,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", REAP_GROUP: leadsGroup ? String(process.pid) : "" },
    });
    this.#child.unref();
    // The pipe must not keep the kernel's event loop alive on its own.
    (this.#child.stdin as unknown as { unref?: () => void })?.unref?.();
    this.#child.stdin?.on("error", () => undefined);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  watch(pid: number): void {
    this.#child.stdin?.write(`${pid}\n`);
  }
}
