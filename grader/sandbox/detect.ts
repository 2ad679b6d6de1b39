/**
 * What isolation this machine can give a job, checked once per process,
 * strongest first (sandbox-anchors §5): bwrap (private file view, every
 * namespace) → unshare (root: pid + net namespaces) → uid (root, nothing
 * else) → none. Every verdict carries the report, so a weaker machine says
 * what it could not do instead of pretending.
 */
import { spawnSync } from "node:child_process";

export type IsolationMode = "bwrap" | "unshare" | "uid" | "none";

export interface IsolationReport {
  readonly mode: IsolationMode;
  /** What is in force, one line each. */
  readonly layers: readonly string[];
  /** What is not, one line each (empty on a fully equipped machine). */
  readonly missing: readonly string[];
  /** One line for results.json and the feedback report, e.g. "isolation: uid-only — network NOT isolated". */
  readonly summary: string;
}

export interface HostCapabilities {
  readonly root: boolean;
  /** `setpriv` can switch to another uid (needs root). */
  readonly setpriv: boolean;
  readonly prlimit: boolean;
  /** `bwrap --unshare-all` really starts (as a per-job uid when root). */
  readonly bwrap: boolean;
  /** bwrap can forbid nested user namespaces (`--disable-userns`, bwrap 0.8+). */
  readonly bwrapDisableUserns: boolean;
  /** root `unshare --pid --net` really starts. */
  readonly unshare: boolean;
}

const works = (command: string, args: readonly string[]) => {
  const result = spawnSync(command, args, { stdio: "ignore", timeout: 10_000 });
  return result.error === undefined && result.status === 0;
};

let cached: HostCapabilities | undefined;

export function hostCapabilities(): HostCapabilities {
  if (cached) return cached;
  const root = process.getuid?.() === 0;
  const setpriv = root && works("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "true"]);
  const prlimit = works("prlimit", ["--nofile=256", "true"]);
  const asJob = setpriv ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
  const bwrapProbe = [...asJob, "bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true"];
  const bwrap = works(bwrapProbe[0]!, bwrapProbe.slice(1));
  const noUserns = [...bwrapProbe.slice(0, asJob.length + 2), "--unshare-user", "--disable-userns", ...bwrapProbe.slice(asJob.length + 2)];
  const bwrapDisableUserns = bwrap && works(noUserns[0]!, noUserns.slice(1));
  const unshare = root && works("unshare", ["--pid", "--fork", "--net", "--kill-child", "true"]);
  cached = { root, setpriv, prlimit, bwrap, bwrapDisableUserns, unshare };
  return cached;
}

/** The strongest mode the host allows, or "none" when asked for a plain child process. */
export function chooseMode(requested: "auto" | "none", host = hostCapabilities()): IsolationMode {
  if (requested === "none") return "none";
  if (host.bwrap) return "bwrap";
  if (host.unshare && host.setpriv) return "unshare";
  if (host.setpriv) return "uid";
  return "none";
}

const LAYER = {
  files: "private file view (bwrap): only node, the runner, the runtime, the exercise and node_modules, read-only; private /tmp",
  pid: "own pid namespace (other processes invisible, cannot be signalled)",
  net: "own network namespace (loopback only; the host and the internet are unreachable)",
  uid: "per-job uid (cannot read 0700 files, cannot signal the grader; killed by uid afterwards)",
  limits: "prlimit: address space, CPU time, processes, open files, file size, no core dumps",
  always: "wall-clock limit, capped output, heap limit (--max-old-space-size)",
  verdict: "verdict computed by the grader from a nonce-checked channel (fd 3), never from the submission's output",
  ses: "submission confined in an SES Compartment after lockdown (no process, require, fs, network; frozen intrinsics), in every thread",
} as const;

export interface IsolationReportOptions {
  readonly mode: IsolationMode;
  readonly confine: boolean;
  readonly host?: HostCapabilities;
}

export function isolationReport({ mode, confine, host = hostCapabilities() }: IsolationReportOptions): IsolationReport {
  const layers: string[] = [];
  const missing: string[] = [];
  const has = (present: boolean, layer: string, absent: string) => (present ? layers.push(layer) : missing.push(absent));
  const perJobUid = mode !== "none" && host.setpriv;
  if (mode === "bwrap" && host.bwrapDisableUserns) layers.push("no nested user namespaces inside (bwrap --disable-userns)");
  has(mode === "bwrap", LAYER.files, "no private file view: the job sees this machine's files (Unix permissions only) and the shared /tmp");
  has(mode === "bwrap" || mode === "unshare", LAYER.pid, "no pid namespace: the job sees other processes (signals limited by uid only)");
  has(mode === "bwrap" || mode === "unshare", LAYER.net, "network NOT isolated: the job can reach this machine's loopback services and the internet");
  has(perJobUid, LAYER.uid, "no per-job uid: the job runs as the grader's own user (it can read what the grader reads and signal it)");
  has(host.prlimit, LAYER.limits, "no prlimit: no address-space, CPU, process or file limits");
  layers.push(LAYER.always, LAYER.verdict);
  has(confine, LAYER.ses, "submission NOT confined (SES off): it runs as raw Node code with every module");

  const label =
    mode === "bwrap"
      ? perJobUid
        ? "full"
        : "userns (no per-job uid)"
      : mode === "unshare"
        ? "ns+uid — no private file view"
        : mode === "uid"
          ? "uid-only — network NOT isolated"
          : "none — the submission runs as this user with this machine's files and network";
  const tail = [!host.prlimit && mode !== "none" ? "no prlimit" : "", confine ? "" : "submission NOT confined"].filter(Boolean);
  return { mode, layers, missing, summary: `isolation: ${label}${tail.length ? `; ${tail.join("; ")}` : ""}` };
}

/** The isolation a run would get here: `detectIsolation()` is what `runScenario` uses with its defaults. */
export function detectIsolation(options: { isolation?: "auto" | "none"; confine?: boolean } = {}): IsolationReport {
  return isolationReport({ mode: chooseMode(options.isolation ?? "auto"), confine: options.confine ?? true });
}
