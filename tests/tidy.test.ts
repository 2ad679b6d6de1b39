/**
 * Architecture rules, checked on every run instead of written in a wiki: which
 * folder may import which, and which globals deterministic code must not touch.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, test } from "vitest";

const root = resolve(import.meta.dirname, "..");

function sourceFiles(folder: string): string[] {
  const dir = join(root, folder);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(relative(root, path));
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [relative(root, path)] : [];
  });
}

interface Import {
  file: string;
  specifier: string;
  /** Repository path for relative imports (".js" mapped back to ".ts"), the package name otherwise. */
  target: string;
  typeOnly: boolean;
}

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)|\brequire\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(join(root, file), "utf8");
  return [...text.matchAll(IMPORT)].map((match) => {
    const specifier = (match[3] ?? match[4] ?? match[5])!;
    const target = specifier.startsWith(".")
      ? relative(root, resolve(root, dirname(file), specifier)).replace(/\.js$/, ".ts")
      : specifier;
    return { file, specifier, target, typeOnly: match[2] !== undefined };
  });
}

const allFiles = ["kernel", "runtime", "grader", "labs"].flatMap(sourceFiles);
const allImports = allFiles.flatMap(importsOf);

interface Rule {
  from: string;
  forbidden: RegExp;
  why: string;
}

/** Each rule: files under `from` must not import targets matching `forbidden`. */
const RULES: Rule[] = [
  { from: "kernel/protocol/", forbidden: /^(?!kernel\/protocol\/|node:)/, why: "the wire format depends on nothing but node builtins" },
  { from: "kernel/transport/", forbidden: /^kernel\/(ts|executor)\/|^runtime\//, why: "sockets know messages, not TypeScript" },
  { from: "kernel/ts/", forbidden: /^kernel\/(transport|dispatch)|^zeromq$|^runtime\//, why: "the executor never touches sockets" },
  { from: "kernel/", forbidden: /^(runtime|grader|labs)\//, why: "the kernel serves any runtime; runtime draws through the display symbol" },
  { from: "runtime/", forbidden: /^kernel\//, why: "runtime/ never imports kernel/ (display by symbol)" },
  { from: "runtime/core/", forbidden: /^(?!runtime\/core\/|node:)/, why: "core is shared by every area and depends on nothing" },
  { from: "runtime/sync/", forbidden: /^runtime\/(pool|explore|viz|sim|net|check)\//, why: "primitives depend only on core" },
  { from: "runtime/pool/", forbidden: /^runtime\/(explore|sim|net|check)\//, why: "pools know workers, not schedules or clusters" },
  { from: "runtime/explore/", forbidden: /^runtime\/(pool|viz|sim|net)\//, why: "the explorer is deterministic and draws nothing itself" },
  { from: "runtime/node/", forbidden: /^runtime\/(?!node\/|core\/)/, why: "the node API is shared by the simulator and the real cluster; it depends on core only" },
  { from: "runtime/sim/", forbidden: /^runtime\/(pool|sync|explore|net|check)\//, why: "the simulator runs node code in virtual time and records; checkers judge the record" },
  { from: "runtime/check/", forbidden: /^runtime\/(sim|net|pool|viz)\//, why: "checkers read histories, whoever produced them" },
  { from: "runtime/viz/", forbidden: /^runtime\/(pool|sim|net)\/(?!.*types\.ts$)/, why: "plots take data; they do not run pools or clusters" },
  { from: "runtime/", forbidden: /^zeromq$/, why: "only runtime/net talks ZeroMQ" },
  { from: "grader/", forbidden: /^kernel\//, why: "grading does not depend on the kernel" },
  { from: "labs/", forbidden: /^kernel\/|^runtime\/.+\/(?!index\.ts$)/, why: "labs use public entries only" },
  {
    from: "grader/runner/",
    forbidden: /^labs\/|^grader\/(grade|publish)\/|^grader\/(check|cli)\.ts$|^grader\/lab\/(registry|submission)\.ts$/,
    why: "the runner is bound into the sandbox: it must not reach lab definitions, references or the grading side",
  },
];
const EXCEPTIONS: Array<{ file: string; target: RegExp }> = [
  // runtime/net is the one place a cluster speaks ZeroMQ.
  { file: "runtime/net/", target: /^zeromq$/ },
];

describe("import boundaries", () => {
  test("the scanner sees the repository's imports", () => {
    // Guards the guard: a broken pattern would find nothing and pass every rule.
    expect(allImports.some((i) => i.file === "kernel/main.ts" && i.target === "kernel/transport/zmq.ts")).toBe(true);
    expect(allImports.some((i) => i.file === "kernel/transport/zmq.ts" && i.target === "zeromq")).toBe(true);
  });

  test.each(RULES.map((rule) => [`${rule.from} must not import ${rule.forbidden}`, rule] as const))("%s", (_name, rule) => {
    const violations = allImports
      .filter((i) => i.file.startsWith(rule.from) && rule.forbidden.test(i.target))
      .filter((i) => !EXCEPTIONS.some((e) => i.file.startsWith(e.file) && e.target.test(i.target)))
      .map((i) => `${i.file} imports ${i.specifier}: ${rule.why}`);
    expect(violations).toEqual([]);
  });

  test("a lab's exercise imports only what the sandbox lets it see", () => {
    // The sandbox binds dist/runtime, dist/grader/runner, dist/grader/lab/types.js and the
    // exercise's own folder: anything else would fail to load there, and the lab's definition
    // (hidden scenarios, judges) must never be next to the submission.
    const visible = (file: string, target: string) =>
      target.startsWith("node:") ||
      target.startsWith(file.split("/").slice(0, 3).join("/") + "/") ||
      ["runtime/index.ts", "grader/runner/load-submission.ts", "grader/lab/types.ts"].includes(target);
    const exercises = allImports.filter((i) => /^labs\/[^/]+\/exercise\//.test(i.file));
    expect(exercises.length).toBeGreaterThan(0);
    expect(exercises.filter((i) => !i.typeOnly && !visible(i.file, i.target)).map((i) => `${i.file} imports ${i.specifier}`)).toEqual([]);
  });

  test("only kernel/main.ts builds the ZeroMQ transport", () => {
    const users = allImports.filter((i) => i.target === "kernel/transport/zmq.ts" && !i.file.startsWith("kernel/transport/"));
    expect(users.map((i) => i.file)).toEqual(["kernel/main.ts"]);
  });
});

describe("public entries", () => {
  test.each(["kernel/index.ts", "runtime/index.ts", "grader/index.ts"])("%s exists and is exported by package.json", (entry) => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, { default: string }> };
    expect(statSync(join(root, entry)).isFile()).toBe(true);
    const built = `./dist/${entry.replace(/\.ts$/, ".js")}`;
    expect(Object.values(pkg.exports).map((e) => (typeof e === "object" ? e.default : e))).toContain(built);
  });
});

/** Code that must be deterministic (the simulator, checkers) gets time and randomness injected. */
const BANNED_IN_DETERMINISTIC: Array<[RegExp, string]> = [
  [/\bMath\.random\s*\(/, "use ctx.random (seeded)"],
  [/\bDate\.now\s*\(/, "use ctx.clock"],
  [/\bperformance\.now\s*\(/, "use ctx.clock"],
  [/\bsetTimeout\s*\(/, "use ctx.clock.sleep / the scheduler"],
  [/\bsetInterval\s*\(/, "use the scheduler"],
];
const DETERMINISTIC_FOLDERS = ["runtime/sim/", "runtime/check/"];

describe("determinism", () => {
  test("simulator and checker code uses injected clocks and seeded randomness", () => {
    const violations = allFiles
      .filter((file) => DETERMINISTIC_FOLDERS.some((folder) => file.startsWith(folder)))
      .flatMap((file) => {
        const lines = readFileSync(join(root, file), "utf8").split("\n");
        return lines.flatMap((line, index) =>
          BANNED_IN_DETERMINISTIC.filter(([pattern]) => pattern.test(line) && !/^\s*(\/\/|\*)/.test(line)).map(
            ([, instead]) => `${file}:${index + 1}: ${line.trim()} (${instead})`,
          ),
        );
      });
    expect(violations).toEqual([]);
  });
});
