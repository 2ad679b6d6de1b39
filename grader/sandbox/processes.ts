/**
 * Finding and killing every process of a per-job uid. A process group misses
 * a `setsid` grandchild; the uid does not: `kill -KILL -1` run *as* the job
 * uid reaches all of its processes and nothing else, and a /proc scan proves
 * none is left.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

export interface UidTask {
  readonly pid: number;
  readonly uid: number;
  readonly zombie: boolean;
}

/** Every task in /proc (as seen from this pid namespace) whose real uid is in [first, last], zombies included. */
export function tasksOfUids(first: number, last: number): UidTask[] {
  const tasks: UidTask[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let status: string;
    try {
      status = readFileSync(`/proc/${entry}/status`, "utf8");
    } catch {
      continue; // gone while we looked
    }
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    if (uid >= first && uid <= last) tasks.push({ pid: Number(entry), uid, zombie: /^State:\s+Z/m.test(status) });
  }
  return tasks;
}

export function tasksOfUid(uid: number): UidTask[] {
  return tasksOfUids(uid, uid);
}

/** SIGKILL to every process the uid owns, sent as that uid (so nothing else can be hit, even after pid reuse). */
export function killAllOfUid(uid: number): void {
  spawnSync("setpriv", [`--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", "kill", "-KILL", "-1"], { stdio: "ignore" });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Kills the uid's processes until a scan finds none alive, within
 * `patienceMs`. Returns how many were still alive at the end (0 is the only
 * good answer). Zombies are not waited for: they run nothing, and the
 * orphaned ones are reaped by init (slowly on some machines: ~1.5 s here, for
 * bwrap's inner process). The uid pool skips a uid until they are gone,
 * because they still count against RLIMIT_NPROC.
 */
export async function clearUid(uid: number, patienceMs = 3000): Promise<number> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const alive = tasksOfUid(uid).filter((task) => !task.zombie);
    if (alive.length === 0) return 0;
    killAllOfUid(uid);
    if (Date.now() > deadline) return alive.length;
    await pause(15);
  }
}
