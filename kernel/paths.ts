import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The installed pardis package root, found from this file whether run from dist/ or from sources. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "pardis") return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("pardis package.json not found above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}
