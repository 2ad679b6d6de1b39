import { createRequire } from "node:module";
import { PROTOCOL_VERSION } from "./protocol/index.js";

/** The TypeScript that checks cells (tslab's build of it), read from its package.json, not loaded. */
function typescriptVersion(): string {
  try {
    const require = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"));
    return (require("@tslab/typescript-for-tslab/package.json") as { version: string }).version;
  } catch {
    return "5";
  }
}
const TYPESCRIPT_VERSION = typescriptVersion();

/** The kernel_info_reply content; complete, so frontends and the conformance suite can rely on it. */
export function kernelInfo(version: string): Record<string, unknown> {
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "pardis",
    implementation_version: version,
    language_info: {
      name: "typescript",
      version: TYPESCRIPT_VERSION,
      mimetype: "text/typescript",
      file_extension: ".ts",
      pygments_lexer: "typescript",
      codemirror_mode: { name: "javascript", typescript: true },
      nbconvert_exporter: "script",
    },
    banner: `pardis ${version}: TypeScript on Node.js ${process.version} for parallel and distributed systems. Type ?name for help on a name.`,
    help_links: [
      { text: "pardis course", url: "https://www.npmjs.com/package/pardis" },
      { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
      { text: "Node.js API", url: "https://nodejs.org/docs/latest-v20.x/api/" },
    ],
    debugger: false,
    supported_features: [],
  };
}
