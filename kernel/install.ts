import { mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { LOGO_SVG, logoPng } from "./logo.js";
import { packageRoot } from "./paths.js";

export const KERNEL_NAME = "pardis";

export type InstallTarget = { kind: "user" } | { kind: "sys-prefix" } | { kind: "prefix"; prefix: string };

/** Where Jupyter looks for kernelspecs, per target (jupyter_core's paths, without needing Python). */
export function kernelsDir(target: InstallTarget): string {
  switch (target.kind) {
    case "user": {
      const dataHome = process.env.JUPYTER_DATA_DIR ?? join(process.env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "jupyter");
      return join(dataHome, "kernels");
    }
    case "sys-prefix":
      return join(process.env.VIRTUAL_ENV ?? process.env.CONDA_PREFIX ?? "/usr/local", "share", "jupyter", "kernels");
    case "prefix":
      return join(target.prefix, "share", "jupyter", "kernels");
  }
}

export function kernelSpec(root = packageRoot()): Record<string, unknown> {
  return {
    argv: [process.execPath, join(root, "dist", "kernel", "main.js"), "--connection-file", "{connection_file}"],
    display_name: "TypeScript (pardis)",
    language: "typescript",
    interrupt_mode: "signal",
    env: {},
    metadata: { debugger: false, pardis: { root } },
  };
}

/** Writes kernel.json and the logos; returns the kernelspec folder. Idempotent. */
export function installKernelSpec(target: InstallTarget): string {
  const dir = join(kernelsDir(target), KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "kernel.json"), JSON.stringify(kernelSpec(), null, 2) + "\n");
  writeFileSync(join(dir, "logo-32x32.png"), logoPng(32));
  writeFileSync(join(dir, "logo-64x64.png"), logoPng(64));
  writeFileSync(join(dir, "logo-svg.svg"), LOGO_SVG);
  return dir;
}
