/**
 * A real node's durable storage: a file of JSON lines, one per `set` or
 * `delete`, appended with a synchronous write before the call returns. The
 * fault model is a process crash (SIGKILL): what reached the kernel's page
 * cache survives it, so no fsync is needed, and a write costs a few
 * microseconds instead of milliseconds. On start the log is replayed and
 * rewritten compactly (temporary file, then rename), so it never grows past one
 * line per key plus what the incarnation writes.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { DurableStorage } from "../node/index.js";

type LogLine = [key: string, value: unknown] | [key: string];

export interface DiskStorage extends DurableStorage {
  close(): void;
}

/** Reads what an earlier incarnation stored; a torn last line (a crash mid-write) is ignored. */
function replay(file: string): Map<string, string> {
  const data = new Map<string, string>();
  if (!existsSync(file)) return data;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line === "") continue;
    let entry: LogLine;
    try {
      entry = JSON.parse(line) as LogLine;
    } catch {
      continue;
    }
    if (entry.length === 2) data.set(entry[0], JSON.stringify(entry[1]));
    else data.delete(entry[0]);
  }
  return data;
}

export function diskStorage(file: string): DiskStorage {
  mkdirSync(dirname(file), { recursive: true });
  // Values are kept as JSON text: `get` parses a fresh copy, as a read from disk would.
  const data = replay(file);
  const compact = [...data].map(([key, json]) => `[${JSON.stringify(key)},${json}]\n`).join("");
  writeFileSync(`${file}.tmp`, compact);
  renameSync(`${file}.tmp`, file);
  let fd: number | undefined = openSync(file, "a");
  const append = (line: string) => {
    if (fd === undefined) throw new Error("durable storage is closed");
    writeSync(fd, line);
  };
  return {
    get<T>(key: string) {
      const json = data.get(key);
      return json === undefined ? undefined : (JSON.parse(json) as T);
    },
    set(key, value) {
      if (typeof key !== "string") throw new TypeError(`storage.set expects a string key, got ${typeof key}`);
      const json = JSON.stringify(value ?? null);
      append(`[${JSON.stringify(key)},${json}]\n`);
      data.set(key, json);
    },
    has: (key) => data.has(key),
    delete(key) {
      if (!data.has(key)) return false;
      append(`[${JSON.stringify(key)}]\n`);
      return data.delete(key);
    },
    keys: () => [...data.keys()],
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
