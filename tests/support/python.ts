/** Runs the project's Python tools (.venv, made by .ci/setup) and reads their JUnit reports. */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, venv } from "./kernel-client.js";

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runVenv(command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(venv, "bin", command), args, {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, PATH: `${join(venv, "bin")}:${process.env.PATH}`, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export interface JUnitCase {
  name: string;
  outcome: "passed" | "failed" | "skipped";
  message: string;
}

/** Test cases of a pytest --junitxml report (a small reader: the format is flat and regular). */
export function readJUnit(xml: string): JUnitCase[] {
  const cases: JUnitCase[] = [];
  const casePattern = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const match of xml.matchAll(casePattern)) {
    const attributes = match[1] ?? "";
    const body = match[3] ?? "";
    const attr = (name: string) => attributes.match(new RegExp(`\\b${name}="([^"]*)"`))?.[1] ?? "";
    const className = attr("classname").split(".").pop();
    const failure = body.match(/<(failure|error)\b[^>]*?(?:message="([^"]*)")?[^>]*>([\s\S]*?)<\/\1>/);
    const skipped = /<skipped\b/.test(body);
    cases.push({
      name: `${className}.${attr("name")}`,
      outcome: failure ? "failed" : skipped ? "skipped" : "passed",
      message: failure ? `${failure[2] ?? ""}\n${failure[3] ?? ""}`.trim() : "",
    });
  }
  return cases;
}

/** Runs pytest on a path and returns its cases (the run itself never throws on test failures). */
export async function runPytest(path: string, extraArgs: string[] = []): Promise<{ cases: JUnitCase[]; result: ProcessResult }> {
  const dir = mkdtempSync(join(tmpdir(), "pardis-pytest-"));
  try {
    const report = join(dir, "report.xml");
    const result = await runVenv("python", ["-m", "pytest", path, "-q", "-p", "no:cacheprovider", `--junitxml=${report}`, ...extraArgs]);
    let xml = "";
    try {
      xml = readFileSync(report, "utf8");
    } catch {
      // pytest could not start: the caller sees no cases and the output
    }
    return { cases: readJUnit(xml), result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
