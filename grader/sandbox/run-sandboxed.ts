/**
 * Runs one untrusted command under the strongest isolation this machine has,
 * with a wall clock, memory/CPU/process/output limits, and a cleanup that
 * always leaves nothing behind (sandbox-anchors §2.4). It knows nothing about
 * grading: the runner's protocol on fd 3 is the caller's business.
 */
import { spawn } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Readable } from "node:stream";
import { DEFAULT_LIMITS, sandboxCommand, type SandboxLimits } from "./command.js";
import { chooseMode, hostCapabilities, isolationReport, type IsolationReport } from "./detect.js";
import { SandboxError } from "./errors.js";
import { clearUid } from "./processes.js";
import { assertReadableByOthers } from "./readable.js";
import { leaseUid, type UidLease } from "./uid-pool.js";

export interface SandboxOptions {
  /** "auto": the strongest mode here; "none": a plain child process (limits and cleanup still apply). */
  readonly isolation?: "auto" | "none";
  /** Only for the report: whether the command confines its guest code (SES). */
  readonly confine?: boolean;
  /** Host paths the command reads; bwrap shows it nothing else. */
  readonly readOnly: readonly string[];
  readonly limits?: Partial<SandboxLimits>;
  /** Written to the command's stdin, which is then closed. */
  readonly input?: string;
  /** Bytes from the command's fd 3, as they arrive. */
  readonly onChannel?: (chunk: Buffer) => void;
  readonly signal?: AbortSignal;
}

/** How the command ended, as seen from outside. */
export type SandboxEnd =
  | "exited" // on its own, with `code`
  | "signalled" // by a signal nobody here sent (`signal`)
  | "timeout"
  | "cpu-limit"
  | "heap-limit"
  | "address-space-limit"
  | "output-limit"
  | "aborted";

export interface SandboxResult {
  readonly end: SandboxEnd;
  readonly code: number | null;
  readonly signal: string | null;
  /** stdout and stderr interleaved as they arrived, at most `maxOutputBytes`. */
  readonly output: string;
  readonly wallMs: number;
  /** Processes of the job uid still alive after cleanup (must be 0). */
  readonly leftover: number;
  readonly uid?: number;
  readonly limits: SandboxLimits;
  readonly isolation: IsolationReport;
}

const signalNames = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name]));

/** bwrap and sh report a child killed by signal n as exit code 128+n. */
function effectiveSignal(code: number | null, signal: NodeJS.Signals | null): string | null {
  if (signal) return signal;
  if (code !== null && code > 128 && signalNames.has(code - 128)) return signalNames.get(code - 128)!;
  return null;
}

function classify(code: number | null, signal: string | null, stderrTail: string): SandboxEnd {
  if (signal === "SIGXCPU") return "cpu-limit";
  if (/Reached heap limit|JavaScript heap out of memory/.test(stderrTail)) return "heap-limit";
  if (/Failed to reserve virtual memory|Fatal process out of memory|CodeRange/.test(stderrTail)) return "address-space-limit";
  if (signal) return "signalled";
  return code === null ? "signalled" : "exited";
}

export async function runSandboxed(argv: readonly string[], options: SandboxOptions): Promise<SandboxResult> {
  const host = hostCapabilities();
  const mode = chooseMode(options.isolation ?? "auto", host);
  const isolation = isolationReport({ mode, confine: options.confine ?? false, host });
  const limits: SandboxLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const perJobUid = mode !== "none" && host.setpriv;
  if (perJobUid) for (const path of options.readOnly) assertReadableByOthers(path);

  const lease: UidLease | undefined = perJobUid ? leaseUid() : undefined;
  // Outside bwrap the job needs a temp dir of its own (the shared /tmp is visible to every job).
  let ownDir: string | undefined;
  try {
    if (mode !== "bwrap") {
      ownDir = mkdtempSync(join(tmpdir(), "pardis-job-"));
      if (lease) chownSync(ownDir, lease.uid, lease.uid);
    }
    return await supervise(argv, options, { mode, isolation, limits, lease, workDir: ownDir ?? "/tmp", prlimit: host.prlimit, disableUserns: host.bwrapDisableUserns });
  } finally {
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    lease?.release();
  }
}

interface Prepared {
  readonly mode: ReturnType<typeof chooseMode>;
  readonly isolation: IsolationReport;
  readonly limits: SandboxLimits;
  readonly lease: UidLease | undefined;
  readonly workDir: string;
  readonly prlimit: boolean;
  readonly disableUserns: boolean;
}

async function supervise(argv: readonly string[], options: SandboxOptions, prepared: Prepared): Promise<SandboxResult> {
  const { mode, isolation, limits, lease, workDir } = prepared;
  const command = sandboxCommand({ mode, uid: lease?.uid, argv, readOnly: options.readOnly, limits, prlimit: prepared.prlimit, disableUserns: prepared.disableUserns, workDir });
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), {
    cwd: workDir,
    detached: true, // its own process group, killed as one
    stdio: ["pipe", "pipe", "pipe", "pipe"],
    env: { PATH: "/usr/bin:/bin", HOME: workDir, TMPDIR: workDir, LANG: "C.UTF-8" },
  });
  if (child.pid === undefined) {
    const failure = await new Promise<Error>((resolve) => child.once("error", resolve));
    throw new SandboxError("sandbox-failed", `cannot start ${command[0]}: ${failure.message}`, { cause: failure });
  }

  let killedFor: SandboxEnd | undefined;
  const killGroup = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  };
  const stop = (why: SandboxEnd) => {
    killedFor ??= why;
    killGroup();
  };

  const output: Buffer[] = [];
  let outputBytes = 0;
  let stderrTail = "";
  const take = (chunk: Buffer, fromStderr: boolean) => {
    outputBytes += chunk.length;
    if (outputBytes > limits.maxOutputBytes) return stop("output-limit");
    output.push(chunk);
    if (fromStderr) stderrTail = (stderrTail + chunk.toString("utf8")).slice(-8192);
  };
  child.stdout!.on("data", (chunk: Buffer) => take(chunk, false));
  child.stderr!.on("data", (chunk: Buffer) => take(chunk, true));
  let channelBytes = 0;
  (child.stdio[3] as Readable).on("data", (chunk: Buffer) => {
    channelBytes += chunk.length;
    if (channelBytes > limits.maxChannelBytes) return stop("output-limit");
    options.onChannel?.(chunk);
  });
  for (const stream of [child.stdin!, child.stdout!, child.stderr!, child.stdio[3]!]) stream.on("error", () => {});
  child.stdin!.end(options.input ?? "");

  const timer = setTimeout(() => stop("timeout"), limits.wallMs);
  const onAbort = () => stop("aborted");
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });

  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once("exit", (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const [code, signal] = await exited;
  const wallMs = performance.now() - started;
  clearTimeout(timer);
  options.signal?.removeEventListener("abort", onAbort);
  // The main process is gone; whatever it started may not be.
  killGroup();
  const leftover = lease ? await clearUid(lease.uid) : 0;
  // Output still in the pipes arrives before they close; a holder we could not kill must not hang us.
  const bound = setTimeout(() => {
    for (const stream of [child.stdout!, child.stderr!, child.stdio[3]!]) stream.destroy();
  }, 2000);
  await closed;
  clearTimeout(bound);

  const seenSignal = effectiveSignal(code, signal);
  const end = killedFor ?? classify(code, seenSignal, stderrTail);
  return {
    end,
    code,
    signal: seenSignal,
    output: Buffer.concat(output).toString("utf8"),
    wallMs,
    leftover,
    uid: lease?.uid,
    limits,
    isolation,
  };
}
