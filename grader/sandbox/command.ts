/**
 * The command line that wraps a job in each isolation mode (sandbox-anchors
 * §2.4): who runs it (setpriv to the job uid), what it sees (bwrap binds or
 * unshare namespaces) and what it may use (prlimit). Pure: building it does
 * nothing on the machine.
 */
import { lstatSync, readlinkSync } from "node:fs";
import type { IsolationMode } from "./detect.js";

const MiB = 1024 * 1024;

export interface SandboxLimits {
  readonly wallMs: number;
  readonly cpuSeconds: number;
  readonly addressSpaceMb: number;
  readonly processes: number;
  readonly openFiles: number;
  readonly fileSizeMb: number;
  /** Size of the private /tmp (bwrap mode). */
  readonly tmpMb: number;
  /** stdout + stderr together; past it the job is killed (`output-limit`). */
  readonly maxOutputBytes: number;
  /** The fd-3 channel; past it the job is killed too. */
  readonly maxChannelBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  wallMs: 10_000,
  cpuSeconds: 30,
  addressSpaceMb: 2048,
  processes: 96,
  openFiles: 512,
  fileSizeMb: 16,
  tmpMb: 64,
  maxOutputBytes: MiB,
  maxChannelBytes: 64 * MiB,
};

/** System directories a dynamically linked node needs; symlinked ones (usrmerge) are recreated as links. */
const SYSTEM_PATHS = ["/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/ld.so.cache", "/etc/alternatives"];

export interface CommandPlan {
  readonly mode: IsolationMode;
  /** The job uid, when the mode switches to one. */
  readonly uid?: number;
  readonly argv: readonly string[];
  /** Host paths the job reads (bound read-only at the same place in bwrap mode). */
  readonly readOnly: readonly string[];
  readonly limits: SandboxLimits;
  readonly prlimit: boolean;
  /** Forbid nested user namespaces inside bwrap (a job cannot `unshare -r` its way to new mounts or networks). */
  readonly disableUserns?: boolean;
  /** Working directory inside (bwrap: the private /tmp; other modes: a per-job directory). */
  readonly workDir: string;
}

function prlimitArgs(limits: SandboxLimits): string[] {
  return [
    "prlimit",
    `--as=${limits.addressSpaceMb * MiB}`,
    // Soft limit SIGXCPU, hard limit one second later SIGKILL (a handler cannot ignore that one).
    `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + 1}`,
    `--nproc=${limits.processes}`,
    `--nofile=${limits.openFiles}`,
    `--fsize=${limits.fileSizeMb * MiB}`,
    "--core=0",
    "--",
  ];
}

function exists(path: string): "dir" | "link" | "file" | undefined {
  try {
    const stats = lstatSync(path);
    return stats.isSymbolicLink() ? "link" : stats.isDirectory() ? "dir" : "file";
  } catch {
    return undefined;
  }
}

function bwrapArgs(plan: CommandPlan): string[] {
  const args = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session"];
  if (plan.disableUserns) args.push("--unshare-user", "--disable-userns");
  // The private /tmp first: binds below it (a fixture under /tmp) must land on top of it.
  args.push("--size", String(plan.limits.tmpMb * MiB), "--tmpfs", "/tmp");
  for (const path of SYSTEM_PATHS) {
    const kind = exists(path);
    if (kind === "link") args.push("--symlink", readlinkSync(path), path);
    else if (kind) args.push("--ro-bind", path, path);
  }
  for (const path of plan.readOnly) args.push("--ro-bind", path, path);
  args.push("--proc", "/proc", "--dev", "/dev", "--chdir", plan.workDir, "--");
  return args;
}

export function sandboxCommand(plan: CommandPlan): string[] {
  const asJob =
    plan.uid === undefined ? [] : ["setpriv", `--reuid=${plan.uid}`, `--regid=${plan.uid}`, "--clear-groups", "--no-new-privs", "--"];
  const limited = [...(plan.prlimit ? prlimitArgs(plan.limits) : []), ...plan.argv];
  switch (plan.mode) {
    case "bwrap":
      return [...asJob, ...bwrapArgs(plan), ...limited];
    case "unshare":
      // root makes the namespaces and brings loopback up, then drops to the job uid. sh stays
      // pid 1 and exits 128+n when the job dies of signal n (unshare itself exits 1 on SIGXCPU).
      return [
        "unshare", "--pid", "--fork", "--kill-child", "--mount-proc", "--net", "--",
        "sh", "-c", 'ip link set lo up 2>/dev/null; "$@"; exit $?', "sh", ...asJob, ...limited,
      ];
    case "uid":
    case "none":
      return [...asJob, ...limited];
  }
}
