/**
 * The sandbox's pure parts: the command line per isolation mode, the
 * isolation report a weaker machine prints, the lab limits, the trusted
 * channel's forgery checks and the readable-checkout check.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ChannelReader } from "../../grader/runner/channel.js";
import { limitsFor } from "../../grader/runner/run-scenario.js";
import { DEFAULT_LIMITS, sandboxCommand } from "../../grader/sandbox/command.js";
import { isolationReport, type HostCapabilities } from "../../grader/sandbox/detect.js";
import { SandboxError } from "../../grader/sandbox/errors.js";
import { assertReadableByOthers } from "../../grader/sandbox/readable.js";
import { fixtureLab } from "../fixtures/grader-lab/lab.js";

const fullHost: HostCapabilities = { root: true, setpriv: true, prlimit: true, bwrap: true, bwrapDisableUserns: true, unshare: true };

describe("sandboxCommand", () => {
  const plan = { uid: 61003, argv: ["/usr/bin/node", "main.js"], readOnly: ["/work/main/dist/runtime"], limits: DEFAULT_LIMITS, prlimit: true, workDir: "/tmp" };

  test("bwrap: the job uid first, every namespace, the private /tmp before the binds, prlimit right before the command", () => {
    const command = sandboxCommand({ ...plan, mode: "bwrap" });
    expect(command.slice(0, 6)).toEqual(["setpriv", "--reuid=61003", "--regid=61003", "--clear-groups", "--no-new-privs", "--"]);
    expect(command).toContain("--unshare-all");
    expect(command).toContain("--die-with-parent");
    expect(command.indexOf("--tmpfs")).toBeLessThan(command.indexOf("/work/main/dist/runtime"));
    const limits = command.indexOf("prlimit");
    expect(command.slice(limits)).toEqual([
      "prlimit", `--as=${2048 * 2 ** 20}`, "--cpu=30:31", "--nproc=96", "--nofile=512", `--fsize=${16 * 2 ** 20}`, "--core=0", "--", "/usr/bin/node", "main.js",
    ]);
  });

  test("unshare: root makes pid and net namespaces, then drops to the job uid", () => {
    const command = sandboxCommand({ ...plan, mode: "unshare" });
    expect(command.slice(0, 7)).toEqual(["unshare", "--pid", "--fork", "--kill-child", "--mount-proc", "--net", "--"]);
    expect(command.indexOf("setpriv")).toBeLessThan(command.indexOf("prlimit"));
  });

  test("none: no uid switch, limits only", () => {
    expect(sandboxCommand({ ...plan, uid: undefined, mode: "none" })[0]).toBe("prlimit");
  });
});

describe("isolationReport", () => {
  test("a fully equipped machine says full and misses nothing", () => {
    expect(isolationReport({ mode: "bwrap", confine: true, host: fullHost })).toMatchObject({ summary: "isolation: full", missing: [] });
  });

  test("uid-only mode says the network is not isolated, in the summary and the missing list", () => {
    const report = isolationReport({ mode: "uid", confine: true, host: { ...fullHost, bwrap: false, unshare: false } });
    expect(report.summary).toBe("isolation: uid-only — network NOT isolated");
    expect(report.missing.join("\n")).toMatch(/network NOT isolated/);
  });

  test("no SES and no prlimit are said out loud", () => {
    const report = isolationReport({ mode: "unshare", confine: false, host: { ...fullHost, prlimit: false } });
    expect(report.summary).toBe("isolation: ns+uid — no private file view; no prlimit; submission NOT confined");
  });
});

describe("limitsFor", () => {
  test("the scenario's wall limit wins over the lab's; address space grows with the workers", () => {
    const limits = limitsFor(fixtureLab, { ...fixtureLab.scenarios[0]!, wallMs: 1500 });
    expect(limits).toMatchObject({ wallMs: 1500, addressSpaceMb: 1024 * 3 + 96 });
    expect(limitsFor(fixtureLab, fixtureLab.scenarios[0]!).wallMs).toBe(fixtureLab.limits.wallMs);
  });
});

describe("ChannelReader", () => {
  const line = (record: unknown) => Buffer.from(`${JSON.stringify(record)}\n`);

  test("keeps observations in order, across chunk boundaries, and sees the done record", () => {
    const channel = new ChannelReader("n1");
    const bytes = Buffer.concat([line({ nonce: "n1", kind: "observation", data: { a: "é" } }), line({ nonce: "n1", kind: "done" })]);
    for (let at = 0; at < bytes.length; at += 5) channel.push(bytes.subarray(at, at + 5));
    channel.finish();
    expect({ observations: channel.observations, done: channel.done, forgeries: channel.forgeries }).toEqual({ observations: [{ a: "é" }], done: true, forgeries: [] });
  });

  test("a wrong nonce, a second final record, garbage and an unterminated line are forgeries", () => {
    const channel = new ChannelReader("n1");
    channel.push(line({ nonce: "guess", kind: "done" }));
    channel.push(line({ nonce: "n1", kind: "done" }));
    channel.push(line({ nonce: "n1", kind: "observation", data: 1 }));
    channel.push(Buffer.from("not json\n{\"nonce\":"));
    channel.finish();
    expect(channel.forgeries).toEqual(["a record without the job's nonce", 'a "observation" record after the final one', "a line that is not JSON", "an unterminated record"]);
  });
});

describe("assertReadableByOthers", () => {
  test("a checkout under a 0700 directory fails with a clear, typed error", () => {
    const home = mkdtempSync(join(tmpdir(), "pardis-home-"));
    try {
      mkdirSync(join(home, "checkout"));
      writeFileSync(join(home, "checkout", "package.json"), "{}");
      chmodSync(home, 0o700);
      let error: unknown;
      try {
        assertReadableByOthers(join(home, "checkout", "package.json"));
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(SandboxError);
      expect(error).toMatchObject({ code: "unreadable-checkout", message: expect.stringContaining(`chmod o+x ${home}`) });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
