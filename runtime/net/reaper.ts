/**
 * The last line of cleanup for node processes: a tiny shell process that
 * outlives this one by design. It reads node pids on a pipe; when the pipe
 * closes (this process exited, crashed or was SIGKILLed) it kills each pid's
 * process group. Needed for one case only: a node paused with SIGSTOP cannot
 * notice its stdin closing, and nothing else would ever end it. The kernel
 * has a reaper of its own for everything a cell starts; this one also covers
 * clusters launched from a plain Node script. (kernel/ and runtime/ may not
 * import each other, so each keeps its own few lines of shell.)
 */
import { spawn, type ChildProcess } from "node:child_process";

const SCRIPT = `
trap '' INT HUP
pids=""
while IFS= read -r pid; do pids="$pids $pid"; done
for pid in $pids; do kill -9 "-$pid" 2>/dev/null; kill -9 "$pid" 2>/dev/null; done
exit 0
`;

let reaper: ChildProcess | undefined;

/** Makes sure `pid`'s process group dies with this process, however it ends. */
export function reapWithThisProcess(pid: number): void {
  if (reaper === undefined || reaper.exitCode !== null) {
    reaper = spawn("/bin/sh", ["-c", SCRIPT], { stdio: ["pipe", "ignore", "ignore"], detached: true });
    reaper.unref();
    // The pipe must not keep this process alive on its own.
    (reaper.stdin as unknown as { unref?: () => void })?.unref?.();
    reaper.stdin?.on("error", () => undefined);
  }
  reaper.stdin?.write(`${pid}\n`);
}
