/**
 * A throwaway JupyterLab server for browser tests: the project's .venv, a fresh
 * temporary root/config/data/runtime directory each time, nothing from ~ (so the
 * only kernelspecs and lab extensions are the venv's), a random token and a free
 * port. Ready means its REST API answers /api/status with that token; stopping
 * shuts down its kernels through the API, then the server, and kills anything
 * left over by pid, so a failing test leaves no processes behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { venv } from "./kernel-client.js";

export interface JupyterLabOptions {
  /** Files to create in the server's root directory, by relative path: notebooks as objects, anything else as text. */
  files?: Record<string, string | object>;
  /** How long to wait for /api/status, in ms. */
  readyTimeoutMs?: number;
}

export interface JupyterLab {
  readonly baseUrl: string;
  readonly token: string;
  readonly rootDir: string;
  /** A URL of the lab with the token, e.g. url("lab/tree/test.ipynb"). */
  url(path: string): string;
  /** GET/POST… on the REST API with the token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Everything the server printed so far (stdout and stderr). */
  log(): string;
  /** Shuts down kernels and server; idempotent, never throws. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Runs "$@" until it exits or until stdin (our pipe) closes, then stops it: TERM, and KILL after 10 s. */
const WATCHDOG = `
exec 3<&0
"$@" 3<&- </dev/null &
server=$!
(
  read -r _ <&3
  kill -TERM "$server" 2>/dev/null
  i=0
  while kill -0 "$server" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
  kill -KILL "$server" 2>/dev/null
) &
watcher=$!
exec 3<&-
wait "$server"
code=$?
kill "$watcher" 2>/dev/null
exit "$code"
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A deadline for Promise.race that does not keep the process alive once the race is won. */
const timeout = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids of processes whose command line mentions `marker` (a path unique to this server). */
function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(marker)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** A notebook with one empty code cell that opens with the named kernel, without a kernel picker. */
export function emptyNotebook(kernel: { name: string; display_name: string; language: string }): object {
  return {
    cells: [{ cell_type: "code", execution_count: null, id: "cell-0", metadata: {}, outputs: [], source: [] }],
    metadata: { kernelspec: kernel, language_info: { name: kernel.language } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

export async function startJupyterLab(options: JupyterLabOptions = {}): Promise<JupyterLab> {
  const base = mkdtempSync(join(tmpdir(), "pardis-lab-"));
  const dirs = { root: join(base, "root"), config: join(base, "config"), data: join(base, "data"), runtime: join(base, "runtime") };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  for (const [path, content] of Object.entries(options.files ?? {})) {
    const file = join(dirs.root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 1));
  }
  // No "would you like news?" toast over the notebook, and no request for them.
  const settings = join(dirs.config, "lab", "user-settings", "@jupyterlab", "apputils-extension");
  mkdirSync(settings, { recursive: true });
  writeFileSync(join(settings, "notification.jupyterlab-settings"), JSON.stringify({ fetchNews: "false", checkForUpdates: false }));
  // No "is a rebuild needed?" check on every page load (it runs node and yarn on the server, for nothing here).
  mkdirSync(join(dirs.config, "labconfig"), { recursive: true });
  writeFileSync(join(dirs.config, "labconfig", "page_config.json"), JSON.stringify({ buildCheck: false, buildAvailable: false }));

  const token = randomBytes(24).toString("hex");
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_PATH: join(venv, "share", "jupyter"),
    JUPYTER_DATA_DIR: dirs.data,
    JUPYTER_CONFIG_DIR: dirs.config,
    JUPYTER_RUNTIME_DIR: dirs.runtime,
    JUPYTER_PREFER_ENV_PATH: "1",
    IPYTHONDIR: join(base, "ipython"),
    PYTHONNOUSERSITE: "1",
  };
  for (const name of ["JUPYTER_CONFIG_PATH", "JUPYTER_PLATFORM_DIRS", "JUPYTER_TOKEN", "JUPYTERLAB_DIR", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR"]) {
    delete env[name];
  }
  const args = [
    "lab",
    "--no-browser",
    `--IdentityProvider.token=${token}`,
    `--ServerApp.port=${port}`,
    "--ServerApp.port_retries=0",
    "--ServerApp.ip=127.0.0.1",
    `--ServerApp.root_dir=${dirs.root}`,
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    // CI containers often run as root; harmless otherwise.
    "--ServerApp.allow_root=True",
  ];
  let output = "";
  // Through a watchdog shell that holds our end of a pipe: if this process dies without stop()
  // (a crash, a killed test worker), the pipe closes and the shell ends the server, whose
  // kernels then end themselves (they watch their parent).
  const child: ChildProcess = spawn("/bin/sh", ["-c", WATCHDOG, "jupyter-watchdog", join(venv, "bin", "jupyter"), ...args], {
    cwd: dirs.root,
    env,
    stdio: ["pipe", "pipe", "pipe"],
    // Its own process group, so that stop() can end the shell and the server together.
    detached: true,
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = `exited with ${signal ?? code}`;
      resolve();
    });
    child.once("error", (error) => {
      exited = `failed to start: ${error.message}`;
      resolve();
    });
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${baseUrl}/${path.replace(/^\//, "")}`, {
      ...init,
      headers: { Authorization: `token ${token}`, ...(init.headers as Record<string, string> | undefined) },
      signal: init.signal ?? AbortSignal.timeout(10_000),
    });

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (!exited) {
        // The kernels first (the server's own shutdown does this too, but only on a clean exit).
        try {
          const kernels = (await (await api("api/kernels")).json()) as Array<{ id: string }>;
          await Promise.all(kernels.map((k) => api(`api/kernels/${k.id}`, { method: "DELETE" }).catch(() => undefined)));
        } catch {
          // not up (yet), or already going
        }
        await api("api/shutdown", { method: "POST" }).catch(() => undefined);
        await Promise.race([exit, timeout(10_000)]);
      }
      if (!exited && child.pid) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // gone
        }
        await Promise.race([exit, timeout(5_000)]);
      }
      // Kernels run in sessions of their own; any left mention their connection file in our runtime dir.
      for (const pid of processesMentioning(dirs.runtime)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      for (let i = 0; i < 50 && processesMentioning(dirs.runtime).some(alive); i++) await sleep(100);
      rmSync(base, { recursive: true, force: true, maxRetries: 3 });
    })());

  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`jupyter lab ${exited} before it was ready\n--- server log ---\n${output}`);
    }
    try {
      const response = await api("api/status", { signal: AbortSignal.timeout(2_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`jupyter lab did not answer /api/status within ${options.readyTimeoutMs ?? 120_000} ms\n--- server log ---\n${output}`);
    }
    await sleep(100);
  }

  return {
    baseUrl,
    token,
    rootDir: dirs.root,
    url: (path) => `${baseUrl}/${path.replace(/^\//, "")}${path.includes("?") ? "&" : "?"}token=${token}`,
    api,
    log: () => output,
    stop,
  };
}
