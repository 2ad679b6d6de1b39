/**
 * Tasks may also name an export of a module file instead of passing a
 * function: `"./worker.js#square"` (the default export without `#name`) or
 * `{ module: "./worker.js", name: "square" }` (module may be a file: URL).
 * Relative paths resolve against the current directory, which in a notebook
 * is the notebook's folder. Workers import each module once and keep it.
 */
import { existsSync } from "node:fs";
import { basename, isAbsolute, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { CodeRef } from "./protocol.js";

/** An export of a module file, run in the pool's workers. */
export type WorkerModuleRef = string | { module: string | URL; name?: string };

export interface ModuleTarget {
  code: Extract<CodeRef, { kind: "module" }>;
  label: string;
}

const known = new Map<string, ModuleTarget>();

export function moduleTarget(ref: WorkerModuleRef): ModuleTarget {
  const spelled = typeof ref === "string" ? ref : `${String(ref?.module)}#${ref?.name ?? "default"}`;
  // Relative paths mean different files from different directories.
  const key = `${process.cwd()}\0${spelled}`;
  const cached = known.get(key);
  if (cached) return cached;
  let specifier: string;
  let name: string;
  if (typeof ref === "string") {
    const hash = ref.lastIndexOf("#");
    specifier = hash >= 0 ? ref.slice(0, hash) : ref;
    name = hash >= 0 ? ref.slice(hash + 1) : "default";
  } else if (ref && typeof ref === "object" && (typeof ref.module === "string" || ref.module instanceof URL)) {
    specifier = String(ref.module);
    name = ref.name ?? "default";
  } else {
    throw new TypeError(`Expected a function, a "path#export" string or { module, name }, got \`${String(ref)}\` (${typeof ref})`);
  }
  if (name === "") throw new TypeError(`Expected an export name after "#" in \`${String(ref)}\``);
  const path = specifier.startsWith("file:") ? fileURLToPath(specifier) : isAbsolute(specifier) ? specifier : resolve(process.cwd(), specifier);
  if (!existsSync(path)) {
    throw new TypeError(`Expected a worker module at ${path} (from \`${specifier}\`, relative to ${process.cwd()}), but there is no such file`);
  }
  const target: ModuleTarget = {
    code: { kind: "module", key: `module:${pathToFileURL(path).href}#${name}`, url: pathToFileURL(path).href, name },
    label: `${basename(path)}#${name}`,
  };
  known.set(key, target);
  return target;
}
