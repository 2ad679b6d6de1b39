import { PROTOCOL_VERSION } from "./protocol/index.js";

/** The kernel_info_reply content; complete, so frontends and the conformance suite can rely on it. */
export function kernelInfo(version: string): Record<string, unknown> {
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "pardis",
    implementation_version: version,
    language_info: {
      name: "typescript",
      version: "5.0",
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
