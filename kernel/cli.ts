#!/usr/bin/env node
/** The `pardis` command. Subcommands load their module only when used, so each stays fast. */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { installKernelSpec, type InstallTarget } from "./install.js";
import { packageRoot } from "./paths.js";

const USAGE = `usage:
  pardis kernel install [--user | --sys-prefix | --prefix PATH]   write the Jupyter kernelspec
  pardis kernel start --connection-file FILE                      run the kernel (Jupyter does this)
  pardis lab [JUPYTER LAB ARGS...]                                open JupyterLab on the course
  pardis node --join tcp://HOST:PORT --id ID --host ADDR [--data DIR]
                                                                  run one node of a multi-host cluster here
  pardis grade | validate | grader package | publish ...          the autograder and publishing (pardis grade --help)
`;

/** Commands served by the grader (grader/cli.ts). */
const GRADER_COMMANDS = new Set(["grade", "validate", "grader", "publish"]);

function fail(message: string): never {
  process.stderr.write(`pardis: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function installTarget(args: string[]): InstallTarget {
  if (args.includes("--sys-prefix")) return { kind: "sys-prefix" };
  const at = args.indexOf("--prefix");
  if (at >= 0) {
    const prefix = args[at + 1];
    if (!prefix) fail("--prefix needs a path");
    return { kind: "prefix", prefix };
  }
  return { kind: "user" };
}

/** The project's own virtual environment, made by the setup script, if there is one. */
function projectVenv(): string | undefined {
  const venv = join(packageRoot(), ".venv");
  return existsSync(join(venv, "bin", "jupyter")) ? venv : undefined;
}

async function main(args: string[]): Promise<void> {
  const [command, sub, ...rest] = args;
  if (command === "kernel" && sub === "install") {
    const dir = installKernelSpec(installTarget(rest));
    process.stdout.write(`Installed the pardis kernelspec in ${dir}\n`);
    return;
  }
  if (command === "kernel" && sub === "start") {
    const at = rest.indexOf("--connection-file");
    const file = at >= 0 ? rest[at + 1] : rest[0];
    if (!file) fail("kernel start needs --connection-file FILE");
    const { startKernel } = await import("./main.js");
    await startKernel({ connectionFile: file });
    return;
  }
  if (command === "lab") {
    const venv = projectVenv();
    const jupyter = venv ? join(venv, "bin", "jupyter") : "jupyter";
    if (venv) installKernelSpec({ kind: "prefix", prefix: venv });
    else installKernelSpec({ kind: "user" });
    const notebooks = join(packageRoot(), "notebooks");
    // Jupyter refuses root unless told; containers and classroom VMs often run as root.
    const asRoot = process.getuid?.() === 0 ? ["--allow-root"] : [];
    const labArgs = ["lab", `--ServerApp.root_dir=${notebooks}`, ...asRoot, ...(sub ? [sub, ...rest] : [])];
    const result = spawnSync(jupyter, labArgs, { stdio: "inherit" });
    if (result.error) fail(`could not start JupyterLab (${result.error.message}); run \`npm run lab\` once to install it`);
    process.exit(result.status ?? 1);
  }
  if (command === "node") {
    // The agent lives in the runtime (runtime/net/agent-main.ts); the kernel
    // does not import the runtime, so it runs as a process of its own.
    const agent = spawn(process.execPath, [join(packageRoot(), "dist", "runtime", "net", "agent-main.js"), ...args.slice(1)], { stdio: "inherit" });
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => agent.kill(signal));
    agent.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
    return;
  }
  if (command !== undefined && GRADER_COMMANDS.has(command)) {
    // The kernel does not import the grader (tests/tidy.test.ts): its commands run as a process of their own.
    const grader = spawn(process.execPath, [join(packageRoot(), "dist", "grader", "cli.js"), ...args], { stdio: "inherit" });
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => grader.kill(signal));
    grader.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
    return;
  }
  if (command === undefined || command === "help" || command === "--help") {
    process.stdout.write(USAGE);
    return;
  }
  fail(`unknown command ${JSON.stringify(args.join(" "))}`);
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`pardis: ${String(error?.stack ?? error)}\n`);
  process.exit(1);
});
