/**
 * Real clusters (runtime/net) against raw ZeroMQ between two plain Node
 * processes, measured in the same run on the same machine (compare ratios,
 * not absolutes: the machine is shared and noisy).
 *
 *   round trip      pardis: a 2-node cluster; a request from here makes n0 do
 *                   N sequential `await node.rpc("n1", ping)` (n1's handler
 *                   returns the pong) and answer with the elapsed time, timed
 *                   inside n0. Raw: process a PUSHes a JSON ping to b's PULL,
 *                   b decodes it and PUSHes a JSON pong back to a's PULL, N
 *                   times, awaited one by one, timed inside a.
 *                   µs per round trip, pardis / raw                       ≤ 1.3x
 *   one-way         pardis: n0 does M `node.send("n1", m)` of ~100 B bodies;
 *                   n1 counts them and, once it has all, sends n0 "blasted";
 *                   n0 answers the request with the time from its handler's
 *                   start to "blasted". Raw: a PUSHes M JSON messages (the same
 *                   bodies, one awaited send each), b decodes and counts them
 *                   and PUSHes "done"; timed inside a.
 *                   messages/s, pardis / raw                              ≥ 0.7x
 *   5-node start    pardis: `launch(echoNode, { nodes: 5 })` until it resolves
 *                   (every node's program runs and the controller reaches it);
 *                   the cluster is stopped untimed. Baseline: 5 bare
 *                   `node -e "import('zeromq')..."` started at once, until
 *                   each has printed: Node's own start on this machine, in
 *                   the environment pardis gives its nodes (without
 *                   NODE_EXTRA_CA_CERTS, whose CA bundle Node parses at every
 *                   start: node-process.ts).
 *                   ms, pardis absolute                                  < 500 ms
 *
 * pardis is measured twice, with message recording on (the default: every
 * send and delivery is reported to the controller for the run record) and off
 * (`recordMessages: false`, counters only). Both clusters and the raw pair
 * are started once, warmed up alike, and live through the whole run (the
 * recording cluster's record grows meanwhile, as a long run's would). The
 * three variants take turns going first within a round, and the first round
 * only warms up; the report shows medians over rounds and each ratio's
 * quartiles.
 * Prints a table and writes tests/artifacts/net-bench.json. Reports only: no
 * assertion on any number.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { bench, describe } from "vitest";
import { echoNode, launch, type Cluster, type Envelope, type NodeContext } from "../../dist/runtime/index.js";
import { median, quantile } from "./stats.js";

const ROUNDS = Number(process.env.BENCH_NET_ROUNDS ?? 9);
const STARTUP_ROUNDS = Number(process.env.BENCH_NET_STARTUP_ROUNDS ?? 9);
const RTT_N = Number(process.env.BENCH_NET_RTT_N ?? 2000);
const ONEWAY_M = Number(process.env.BENCH_NET_ONEWAY_M ?? 30_000);
/** Makes a one-way body `{"type":"m","i":12345,"of":30000,"pad":"..."}` about 100 bytes of JSON. */
const PAD = "x".repeat(58);
const RTT_TARGET = 1.3;
const ONEWAY_TARGET = 0.7;
const STARTUP_TARGET_MS = 500;

const repoRoot = join(import.meta.dirname, "..", "..");
const out = (text: string) => process.stdout.write(text);

// ---------------------------------------------------------------- the pardis side

/**
 * The cluster's program, shipped to each node process as source text: it uses
 * nothing from outside itself (sizes and padding come in the request bodies).
 */
function netBenchNode(node: NodeContext) {
  let blast: Envelope | undefined;
  let blastStarted = 0;
  let got = 0;
  node.on("pingpong", async (m) => {
    const n = Number(m.body.n);
    const pad = m.body.pad;
    const started = node.now();
    for (let i = 0; i < n; i++) {
      const pong = await node.rpc("n1", { type: "ping", i, pad }, { timeoutMs: 10_000 });
      if (pong.body.i !== i) throw new Error("pong out of order");
    }
    return { type: "pingpong_ok", ms: node.now() - started };
  });
  node.on("ping", (m) => ({ type: "pong", i: m.body.i, pad: m.body.pad }));
  node.on("blast", (m) => {
    const count = Number(m.body.m);
    const pad = m.body.pad;
    blast = m;
    blastStarted = node.now();
    for (let i = 0; i < count; i++) node.send("n1", { type: "m", i, of: count, pad });
  });
  node.on("m", (m) => {
    if (++got === m.body.of) {
      got = 0;
      node.send(m.src, { type: "blasted", n: m.body.of });
    }
  });
  node.on("blasted", () => {
    if (blast !== undefined) node.reply(blast, { type: "blast_ok", ms: node.now() - blastStarted });
    blast = undefined;
  });
}

interface Timing {
  /** Timed where the work happens (n0, or raw process a). */
  ms: number;
  /** Timed here, from the request to its answer (pardis only). */
  requestMs?: number;
}

async function pardisRtt(cluster: Cluster, n: number): Promise<Timing> {
  const started = performance.now();
  const answer = await cluster.request("n0", { type: "pingpong", n, pad: PAD }, { timeoutMs: 120_000 });
  return { ms: Number(answer.ms), requestMs: performance.now() - started };
}

async function pardisOneWay(cluster: Cluster, m: number): Promise<Timing> {
  const started = performance.now();
  const answer = await cluster.request("n0", { type: "blast", m, pad: PAD }, { timeoutMs: 120_000 });
  return { ms: Number(answer.ms), requestMs: performance.now() - started };
}

async function launchWarm(recordMessages: boolean): Promise<Cluster> {
  const cluster = await launch(netBenchNode, { nodes: 2, recordMessages, printLogs: false, live: false });
  await pardisRtt(cluster, Math.ceil(RTT_N / 4));
  await pardisOneWay(cluster, Math.ceil(ONEWAY_M / 4));
  return cluster;
}

// ---------------------------------------------------------------- the raw side

/** A child's stdout, one JSON value per line, taken in order. */
function lineReader(child: ChildProcess): { next: () => Promise<Record<string, unknown>>; lines: Interface } {
  const lines = createInterface({ input: child.stdout! });
  const iterator = lines[Symbol.asyncIterator]();
  return {
    lines,
    next: async () => {
      const { value, done } = await iterator.next();
      if (done) throw new Error(`raw peer ${child.pid} ended its output (exit ${child.exitCode})`);
      return JSON.parse(value as string) as Record<string, unknown>;
    },
  };
}

class RawPair {
  #a!: ChildProcess;
  #b!: ChildProcess;
  #fromA!: ReturnType<typeof lineReader>;

  async open(): Promise<this> {
    const peer = join(import.meta.dirname, "net-raw-peer.mjs");
    this.#b = spawn(process.execPath, [peer, "b"], { cwd: repoRoot, stdio: ["pipe", "pipe", "inherit"] });
    const fromB = lineReader(this.#b);
    const { address } = await fromB.next();
    this.#a = spawn(process.execPath, [peer, "a", String(address)], { cwd: repoRoot, stdio: ["pipe", "pipe", "inherit"] });
    this.#fromA = lineReader(this.#a);
    if ((await this.#fromA.next()).ready !== true) throw new Error("raw peer a is not ready");
    return this;
  }

  async #command(command: Record<string, unknown>): Promise<Timing> {
    this.#a.stdin!.write(`${JSON.stringify(command)}\n`);
    return { ms: Number((await this.#fromA.next()).ms) };
  }

  rtt(n: number): Promise<Timing> {
    return this.#command({ cmd: "rtt", n, pad: PAD });
  }

  oneWay(m: number): Promise<Timing> {
    return this.#command({ cmd: "oneway", m, pad: PAD });
  }

  async close(): Promise<void> {
    for (const child of [this.#a, this.#b]) {
      if (child === undefined) continue;
      child.stdin?.end();
      if (child.exitCode === null && child.signalCode === null) await once(child, "exit");
    }
  }
}

// ---------------------------------------------------------------- messaging rounds

type Variant = "raw" | "on" | "off";
const VARIANTS: Variant[] = ["raw", "on", "off"];

interface MessagingRounds {
  rtt: Record<Variant, Timing[]>;
  oneWay: Record<Variant, Timing[]>;
}

async function messagingRounds(): Promise<MessagingRounds> {
  const rounds: MessagingRounds = { rtt: { raw: [], on: [], off: [] }, oneWay: { raw: [], on: [], off: [] } };
  const raw = await new RawPair().open();
  try {
    // Warm the raw pair as much as each cluster is warmed.
    await raw.rtt(Math.ceil(RTT_N / 4));
    await raw.oneWay(Math.ceil(ONEWAY_M / 4));
    const clusters = { on: await launchWarm(true), off: await launchWarm(false) };
    try {
      for (let round = 0; round <= ROUNDS; round++) {
        const order = VARIANTS.map((_, k) => VARIANTS[(k + round) % VARIANTS.length]!);
        const rtt: Partial<Record<Variant, Timing>> = {};
        const oneWay: Partial<Record<Variant, Timing>> = {};
        for (const variant of order) rtt[variant] = variant === "raw" ? await raw.rtt(RTT_N) : await pardisRtt(clusters[variant], RTT_N);
        for (const variant of order) oneWay[variant] = variant === "raw" ? await raw.oneWay(ONEWAY_M) : await pardisOneWay(clusters[variant], ONEWAY_M);
        // Round 0 warms up.
        if (round === 0) continue;
        for (const variant of VARIANTS) {
          rounds.rtt[variant].push(rtt[variant]!);
          rounds.oneWay[variant].push(oneWay[variant]!);
        }
        out(
          `[bench] net round ${round}/${ROUNDS}: rtt µs raw ${((rtt.raw!.ms * 1000) / RTT_N).toFixed(0)} on ${((rtt.on!.ms * 1000) / RTT_N).toFixed(0)} off ${((rtt.off!.ms * 1000) / RTT_N).toFixed(0)}; ` +
            `one-way k msg/s raw ${(ONEWAY_M / oneWay.raw!.ms).toFixed(0)} on ${(ONEWAY_M / oneWay.on!.ms).toFixed(0)} off ${(ONEWAY_M / oneWay.off!.ms).toFixed(0)}\n`,
        );
      }
    } finally {
      await Promise.all([clusters.on.stop(), clusters.off.stop()]);
    }
  } finally {
    await raw.close();
  }
  return rounds;
}

// ---------------------------------------------------------------- startup rounds

/** 5 bare Node processes that load zeromq, started at once, until each has printed. */
async function bareStart(count: number): Promise<number> {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const started = performance.now();
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ["-e", "import('zeromq').then(() => process.stdout.write('ok'))"], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "inherit"] }),
  );
  await Promise.all(children.map((child) => once(child.stdout!, "data")));
  const ms = performance.now() - started;
  await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, "exit") : undefined)));
  return ms;
}

interface StartupRounds {
  launchMs: number[];
  stopMs: number[];
  bareMs: number[];
}

async function startupRounds(nodes: number): Promise<StartupRounds> {
  const rounds: StartupRounds = { launchMs: [], stopMs: [], bareMs: [] };
  const pardis = async () => {
    const started = performance.now();
    const cluster = await launch(echoNode, { nodes, printLogs: false, live: false });
    const launchMs = performance.now() - started;
    const stopping = performance.now();
    await cluster.stop();
    return { launchMs, stopMs: performance.now() - stopping };
  };
  for (let round = 0; round <= STARTUP_ROUNDS; round++) {
    let bareMs: number;
    let timing: { launchMs: number; stopMs: number };
    if (round % 2 === 0) {
      bareMs = await bareStart(nodes);
      timing = await pardis();
    } else {
      timing = await pardis();
      bareMs = await bareStart(nodes);
    }
    if (round === 0) continue;
    rounds.launchMs.push(timing.launchMs);
    rounds.stopMs.push(timing.stopMs);
    rounds.bareMs.push(bareMs);
  }
  return rounds;
}

// ---------------------------------------------------------------- report

interface Figure {
  key: string;
  measure: string;
  unit: string;
  raw: number;
  on: number;
  off: number;
  /** pardis / raw per round, median (the startup figure: pardis / bare start). */
  ratioOn: number;
  ratioOff: number;
  spreadOn: [number, number];
  spreadOff: [number, number];
  target: string;
  metOn: boolean;
  metOff: boolean;
  baseline: string;
}

function messagingFigure(key: string, measure: string, timings: Record<Variant, Timing[]>, perMs: (ms: number) => number, unit: string, higherIsBetter: boolean, limit: number): Figure {
  const value = (variant: Variant) => median(timings[variant].map((t) => perMs(t.ms)));
  const ratios = (variant: Exclude<Variant, "raw">) => timings[variant].map((t, k) => perMs(t.ms) / perMs(timings.raw[k]!.ms));
  const on = ratios("on");
  const off = ratios("off");
  const met = (ratio: number) => (higherIsBetter ? ratio >= limit : ratio <= limit);
  return {
    key,
    measure,
    unit,
    raw: value("raw"),
    on: value("on"),
    off: value("off"),
    ratioOn: median(on),
    ratioOff: median(off),
    spreadOn: [quantile(on, 0.25), quantile(on, 0.75)],
    spreadOff: [quantile(off, 0.25), quantile(off, 0.75)],
    target: `pardis/raw ${higherIsBetter ? "≥" : "≤"} ${limit}`,
    metOn: met(median(on)),
    metOff: met(median(off)),
    baseline: "raw zeromq",
  };
}

function startupFigure(nodes: number, rounds: StartupRounds): Figure {
  const ratios = rounds.launchMs.map((ms, k) => ms / rounds.bareMs[k]!);
  const launchMs = median(rounds.launchMs);
  return {
    key: "startup5Ms",
    measure: `launch(echoNode, { nodes: ${nodes} }) until it resolves (recording on; ratio = / bare start)`,
    unit: "ms",
    raw: median(rounds.bareMs),
    on: launchMs,
    off: NaN,
    ratioOn: median(ratios),
    ratioOff: NaN,
    spreadOn: [quantile(ratios, 0.25), quantile(ratios, 0.75)],
    spreadOff: [NaN, NaN],
    target: `< ${STARTUP_TARGET_MS} ms`,
    metOn: launchMs < STARTUP_TARGET_MS,
    metOff: false,
    baseline: `${nodes} bare node -e "import('zeromq')" at once`,
  };
}

function table(figures: Figure[]): string {
  const fixed = (value: number, digits: number) => (Number.isNaN(value) ? "-" : value.toFixed(digits));
  const rows = [
    ["figure", "unit", "baseline", "pardis rec on", "on/base", "q1..q3", "pardis rec off", "off/base", "q1..q3", "target", "met on/off"],
    ...figures.map((f) => {
      const digits = f.unit === "k msg/s" || f.unit === "ms" ? 0 : 1;
      return [
        `${f.measure} (baseline: ${f.baseline})`,
        f.unit,
        fixed(f.raw, digits),
        fixed(f.on, digits),
        fixed(f.ratioOn, 3),
        `${fixed(f.spreadOn[0], 2)}..${fixed(f.spreadOn[1], 2)}`,
        fixed(f.off, digits),
        fixed(f.ratioOff, 3),
        Number.isNaN(f.spreadOff[0]) ? "-" : `${fixed(f.spreadOff[0], 2)}..${fixed(f.spreadOff[1], 2)}`,
        f.target,
        Number.isNaN(f.off) ? (f.metOn ? "yes" : "NO") : `${f.metOn ? "yes" : "NO"}/${f.metOff ? "yes" : "NO"}`,
      ];
    }),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")).join("\n");
}

async function measure(): Promise<void> {
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg();
  out(`[bench] net: ${ROUNDS} messaging rounds (${RTT_N} round trips, ${ONEWAY_M} one-way messages), ${STARTUP_ROUNDS} startup rounds; load ${loadAtStart.map((l) => l.toFixed(2)).join(" ")}\n`);
  const messaging = await messagingRounds();
  const startup = await startupRounds(5);
  const loadAtEnd = loadavg();
  const figures = [
    messagingFigure("roundTripUs", `node-to-node round trip, ~100 B JSON each way, 1 in flight, ${RTT_N} per round`, messaging.rtt, (ms) => (ms * 1000) / RTT_N, "µs", false, RTT_TARGET),
    messagingFigure("oneWayKMsgPerS", `one-way ~100 B JSON messages n0 -> n1, ${ONEWAY_M} per round`, messaging.oneWay, (ms) => ONEWAY_M / ms, "k msg/s", true, ONEWAY_TARGET),
    startupFigure(5, startup),
  ];
  const env = `node ${process.version}, ${availableParallelism()} cores available (${cpus()[0]?.model ?? "?"}), load ${loadAtStart.map((l) => l.toFixed(2)).join(" ")} at start, ${loadAtEnd.map((l) => l.toFixed(2)).join(" ")} at end`;
  out(`\n=== Real cluster (runtime/net) benchmark (${env}) ===\n`);
  out("Ratios are per round (variants take turns going first within a round): median and quartiles over rounds. Baseline: raw zeromq between two plain Node processes, same topology (PUSH -> PULL each way, tcp loopback), JSON both ends.\n");
  out("'rec on' is the default (every message reported for the run record); 'rec off' is launch(..., { recordMessages: false }).\n\n");
  out(`${table(figures)}\n`);
  out(`5-node stop() took ${median(startup.stopMs).toFixed(0)} ms (median, not part of the figure).\n\n`);
  const artifacts = join(import.meta.dirname, "..", "artifacts");
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(
    join(artifacts, "net-bench.json"),
    `${JSON.stringify(
      {
        startedAt,
        environment: { node: process.version, cores: availableParallelism(), cpuModel: cpus()[0]?.model, loadavgAtStart: loadAtStart, loadavgAtEnd: loadAtEnd },
        parameters: { rounds: ROUNDS, startupRounds: STARTUP_ROUNDS, roundTrips: RTT_N, oneWayMessages: ONEWAY_M, padBytes: PAD.length },
        figures: Object.fromEntries(
          figures.map((f) => [
            f.key,
            {
              measure: f.measure,
              unit: f.unit,
              baseline: f.baseline,
              raw: f.raw,
              recordingOn: f.on,
              recordingOff: Number.isNaN(f.off) ? null : f.off,
              ratioOn: f.ratioOn,
              ratioOff: Number.isNaN(f.ratioOff) ? null : f.ratioOff,
              quartilesOn: f.spreadOn,
              quartilesOff: Number.isNaN(f.spreadOff[0]) ? null : f.spreadOff,
              target: f.target,
              metOn: f.metOn,
              metOff: Number.isNaN(f.off) ? null : f.metOff,
            },
          ]),
        ),
        perRound: { messaging, startup },
      },
      null,
      2,
    )}\n`,
  );
}

describe("net", () => {
  bench("real clusters against raw zeromq (one measured run; see the table)", measure, {
    iterations: 1,
    time: 0,
    warmupIterations: 0,
    warmupTime: 0,
    throws: true,
  });
});
