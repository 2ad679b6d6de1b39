import childProcess from "node:child_process";
import { Console } from "node:console";
import { syncBuiltinESMExports } from "node:module";
import { Writable } from "node:stream";
import workerThreads from "node:worker_threads";
import { currentCell, type CellContext } from "./cell-context.js";
import type { OutputChannel } from "./output-channel.js";

type StreamName = "stdout" | "stderr";
type Chunk = string | Uint8Array;

function text(chunk: Chunk): string {
  return typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
}

/**
 * Routes everything learner code can print to the cell that caused it:
 * console and process.stdout/stderr in this thread, worker threads it starts,
 * and child processes it spawns (their output would otherwise go to the Jupyter
 * server's log, where a learner never sees it). Child pids are reported so the
 * kernel's reaper can kill them if the kernel dies.
 */
export function captureOutput(channel: OutputChannel, onChild: (pid: number) => void): void {
  for (const name of ["stdout", "stderr"] as const) {
    const stream = process[name] as unknown as { write: (chunk: Chunk, ...rest: unknown[]) => boolean };
    stream.write = (chunk: Chunk, ...rest: unknown[]) => {
      channel.stream(name, text(chunk));
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      callback?.();
      return true;
    };
  }
  const sink = (name: StreamName) =>
    new Writable({
      write(chunk: Chunk, _encoding, callback) {
        channel.stream(name, text(chunk));
        callback();
      },
    });
  globalThis.console = new Console({ stdout: sink("stdout"), stderr: sink("stderr"), colorMode: false });

  const forward = (cell: CellContext | undefined, name: StreamName) => (chunk: Chunk) =>
    channel.stream(name, text(chunk), cell);

  patchWorker(forward);
  patchChildProcess(forward, onChild, () => channel.flush());
  syncBuiltinESMExports();
}

type Forward = (cell: CellContext | undefined, name: StreamName) => (chunk: Chunk) => void;

function patchWorker(forward: Forward): void {
  const Original = workerThreads.Worker;
  class CapturedWorker extends Original {
    constructor(filename: string | URL, options: workerThreads.WorkerOptions = {}) {
      const cell = currentCell();
      super(filename, { ...options, stdout: true, stderr: true });
      // Keep the learner's choice: a worker opened with stdout: true is theirs to read.
      if (!options.stdout) this.stdout.on("data", forward(cell, "stdout"));
      if (!options.stderr) this.stderr.on("data", forward(cell, "stderr"));
    }
  }
  (workerThreads as { Worker: unknown }).Worker = CapturedWorker;
}

const INHERITED = new Set<unknown>(["inherit", 1, 2, process.stdout, process.stderr]);

/** Replaces inherited stdout/stderr by pipes that feed the cell's output. */
function pipeInherited(stdio: unknown): { stdio: unknown; pipes: [boolean, boolean] } {
  const slots = typeof stdio === "string" ? [stdio, stdio, stdio] : Array.isArray(stdio) ? [...stdio] : ["pipe", "pipe", "pipe"];
  const pipes: [boolean, boolean] = [false, false];
  for (const fd of [1, 2] as const) {
    if (INHERITED.has(slots[fd])) {
      slots[fd] = "pipe";
      pipes[fd - 1] = true;
    }
  }
  return { stdio: slots, pipes };
}

/** The error execSync and execFileSync throw for a failed command (Node's checkExecSyncError). */
function execSyncError(result: any, command: string): Error | undefined {
  if (result.error) return Object.assign(result.error, result);
  if (result.status === 0) return undefined;
  const stderr = result.stderr?.length ? `\n${result.stderr.toString()}` : "";
  return Object.assign(new Error(`Command failed: ${command}${stderr}`), result);
}

/**
 * `flush` shows what the cell printed so far before a synchronous child blocks
 * the thread, so a long or stuck command does not hide the output before it.
 */
function patchChildProcess(forward: Forward, onChild: (pid: number) => void, flush: () => void): void {
  const cp = childProcess as unknown as Record<string, (...args: any[]) => any>;
  const { spawn, fork, spawnSync, execSync, execFileSync } = cp as Record<string, (...args: any[]) => any>;

  const optionsIndex = (args: unknown[]) => args.findIndex((arg, index) => index > 0 && typeof arg === "object" && arg !== null && !Array.isArray(arg));

  cp.spawn = (...args: any[]) => {
    const cell = currentCell();
    let index = optionsIndex(args);
    if (index < 0) {
      args.push({});
      index = args.length - 1;
    }
    const { stdio, pipes } = pipeInherited(args[index].stdio);
    args[index] = { ...args[index], stdio };
    const child = spawn!(...args);
    if (pipes[0]) child.stdout?.on("data", forward(cell, "stdout"));
    if (pipes[1]) child.stderr?.on("data", forward(cell, "stderr"));
    if (child.pid) onChild(child.pid);
    return child;
  };

  cp.fork = (...args: any[]) => {
    const cell = currentCell();
    let index = optionsIndex(args);
    if (index < 0) {
      args.push({});
      index = args.length - 1;
    }
    const silent = args[index].silent === true || args[index].stdio !== undefined;
    if (!silent) args[index] = { ...args[index], silent: true };
    const child = fork!(...args);
    if (!silent) {
      child.stdout?.on("data", forward(cell, "stdout"));
      child.stderr?.on("data", forward(cell, "stderr"));
    }
    if (child.pid) onChild(child.pid);
    return child;
  };

  cp.spawnSync = (...args: any[]) => {
    const cell = currentCell();
    let index = optionsIndex(args);
    if (index < 0) {
      args.push({});
      index = args.length - 1;
    }
    const { stdio, pipes } = pipeInherited(args[index].stdio ?? "pipe");
    args[index] = { ...args[index], stdio };
    flush();
    const result = spawnSync!(...args);
    if (pipes[0] && result.stdout) forward(cell, "stdout")(result.stdout);
    if (pipes[1] && result.stderr) forward(cell, "stderr")(result.stderr);
    return result;
  };

  // Node's execSync and execFileSync call its internal spawnSync, not the export
  // patched above, so inherited output would go to the kernel's own stdout (the
  // Jupyter server's log). With stdio inherited they run through the patched
  // spawnSync instead, with Node's semantics: shell for execSync, throw on failure.
  const viaSpawnSync = (name: "execSync" | "execFileSync", original: (...args: any[]) => any) => (...args: any[]) => {
    const index = optionsIndex(args);
    const options = index < 0 ? undefined : args[index];
    if (options?.stdio === undefined || !pipeInherited(options.stdio).pipes.some(Boolean)) {
      flush();
      return original(...args);
    }
    const file = String(args[0]);
    const fileArgs: string[] = name === "execFileSync" && Array.isArray(args[1]) ? args[1] : [];
    const spawnOptions = name === "execSync" ? { ...options, shell: typeof options.shell === "string" ? options.shell : true } : options;
    const result = cp.spawnSync!(file, fileArgs, spawnOptions);
    const error = execSyncError(result, [file, ...fileArgs].join(" "));
    if (error) throw error;
    // Node returns null for an inherited stdout.
    return pipeInherited(options.stdio).pipes[0] ? null : result.stdout;
  };
  cp.execSync = viaSpawnSync("execSync", execSync!);
  cp.execFileSync = viaSpawnSync("execFileSync", execFileSync!);
}
