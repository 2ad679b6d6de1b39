/**
 * The job runs as another uid, so everything it must read has to be open to
 * "other" users all the way up. A checkout under a 0700 home would otherwise
 * fail inside the sandbox with an EACCES that looks like the submission's
 * fault; this says what to change instead.
 */
import { statSync } from "node:fs";
import { dirname } from "node:path";
import { SandboxError } from "./errors.js";

const checked = new Set<string>();

export function assertReadableByOthers(path: string): void {
  if (checked.has(path)) return;
  const own = statSync(path);
  const needs = own.isDirectory() ? 0o005 : 0o004;
  if ((own.mode & needs) !== needs) {
    throw new SandboxError("unreadable-checkout", `${path} is not readable by other users (mode ${(own.mode & 0o777).toString(8)}); the sandbox runs each job as its own uid: chmod o+r${own.isDirectory() ? "x" : ""} it`);
  }
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const mode = statSync(dir).mode & 0o777;
    if ((mode & 0o001) === 0) {
      throw new SandboxError(
        "unreadable-checkout",
        `${path} lies under ${dir} (mode ${mode.toString(8)}), which other users cannot enter; the sandbox runs each job as its own uid: chmod o+x ${dir}, or move the checkout somewhere world-readable`,
      );
    }
    if (dir === dirname(dir)) break;
  }
  checked.add(path);
}
