/**
 * Per-job uids (61000 + slot). A uid is handed out only when no grading job
 * holds it — in this process or another one, tracked by a lock file that
 * names the holder's pid — and no live or zombie task of it is left (zombies
 * still count against RLIMIT_NPROC, so reusing such a uid would start the
 * next job with fewer processes than its limit says).
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SandboxError } from "./errors.js";
import { tasksOfUids } from "./processes.js";

export const FIRST_JOB_UID = 61000;
export const JOB_UID_SLOTS = 200;

const lockDir = join(tmpdir(), "pardis-sandbox-uids");

export interface UidLease {
  readonly uid: number;
  release(): void;
}

function holderAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock file of `uid`, or removes a stale one (its holder died) and tries once more. */
function tryLock(path: string, retry = true): boolean {
  try {
    const fd = openSync(path, "wx", 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    let holder = NaN;
    try {
      holder = Number(readFileSync(path, "utf8"));
    } catch {
      // released while we looked
    }
    if (!retry || (Number.isInteger(holder) && holder > 0 && holderAlive(holder))) return false;
    try {
      unlinkSync(path);
    } catch {
      // someone else cleaned it first
    }
    return tryLock(path, false);
  }
}

export function leaseUid(): UidLease {
  mkdirSync(lockDir, { recursive: true, mode: 0o700 });
  const busy = new Set(tasksOfUids(FIRST_JOB_UID, FIRST_JOB_UID + JOB_UID_SLOTS - 1).map((task) => task.uid));
  for (let slot = 0; slot < JOB_UID_SLOTS; slot++) {
    const uid = FIRST_JOB_UID + slot;
    if (busy.has(uid)) continue; // an earlier job's remains (or zombies): leave it for a later lease
    const path = join(lockDir, String(uid));
    if (!tryLock(path)) continue;
    let released = false;
    return {
      uid,
      release() {
        if (released) return;
        released = true;
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      },
    };
  }
  throw new SandboxError("no-free-uid", `all ${JOB_UID_SLOTS} per-job uids from ${FIRST_JOB_UID} are in use or still have processes`);
}
