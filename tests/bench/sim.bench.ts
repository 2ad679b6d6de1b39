/**
 * Simulator throughput against a plain binary-heap event loop, measured in the
 * same run on the same machine (compare ratios: the machine is shared). Both
 * run the same model: N nodes, one message in flight per node, each delivery
 * forwards a message to a random other node with a uniform 1-10 ms delay.
 *
 *   plain loop      the anchors' probe (runtime-anchors.md: 12.3M/7.2M/4.9M
 *                   events/s on an idle machine): a heap of {t, seq, dst,
 *                   payload}, an sfc32 PRNG, a method call per delivery
 *   pardis          simulate() with a node written against the full node API
 *                   (node.on, node.send, node.random, node.peers): message
 *                   envelopes, body copies, msg records, fault checks, timers
 *                   and interrupt checks included
 *
 *   delivered messages/s, 10 / 100 / 1000 nodes, recordMessages off   ≥ 0.5x
 *   the same with every message recorded (RunRecord.messages)         (reported)
 *
 * Variants alternate within each round; the report shows medians over rounds.
 * Prints a table and writes tests/artifacts/sim-bench.json. No assertions.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { bench, describe } from "vitest";
import { simulate, type NodeContext } from "../../dist/runtime/index.js";

const ROUNDS = Number(process.env.BENCH_SIM_ROUNDS ?? 5);
const MESSAGES = Number(process.env.BENCH_SIM_MESSAGES ?? 400_000);
const SIZES = [10, 100, 1000];
const TARGET = 0.5;

const out = (text: string) => process.stdout.write(text);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return (sorted[Math.floor(mid)]! + sorted[Math.ceil(mid)]!) / 2;
};

// ---------------------------------------------------------------- the plain loop (the anchors' probe, in TypeScript)

function sfc32(seed: number): () => number {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed | 0;
  const next = () => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

interface PlainEvent {
  t: number;
  seq: number;
  src: number;
  dst: number;
  payload: { hops: number };
}

class PlainHeap {
  a: PlainEvent[] = [];
  static less(x: PlainEvent, y: PlainEvent) {
    return x.t < y.t || (x.t === y.t && x.seq < y.seq);
  }
  push(ev: PlainEvent) {
    const a = this.a;
    let i = a.length;
    a.push(ev);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!PlainHeap.less(ev, a[p]!)) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = ev;
  }
  pop(): PlainEvent {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    const n = a.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && PlainHeap.less(a[c + 1]!, a[c]!)) c++;
        if (!PlainHeap.less(a[c]!, last)) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/** Delivers `messages` messages among `n` nodes; returns delivered messages per second. */
function plainLoop(n: number, messages: number, seed: number): number {
  const rand = sfc32(seed);
  const heap = new PlainHeap();
  let now = 0;
  let seq = 0;
  const received = new Int32Array(n);
  const randomPeer = (self: number) => {
    let p = (rand() * (n - 1)) | 0;
    if (p >= self) p++;
    return p;
  };
  const send = (src: number, dst: number, payload: { hops: number }) => heap.push({ t: now + 1 + rand() * 9, seq: seq++, src, dst, payload });
  const started = performance.now();
  for (let i = 0; i < n; i++) send(i, randomPeer(i), { hops: 0 });
  for (let k = 0; k < messages; k++) {
    const ev = heap.pop();
    now = ev.t;
    received[ev.dst]!++;
    send(ev.dst, randomPeer(ev.dst), { hops: ev.payload.hops + 1 });
  }
  return messages / ((performance.now() - started) / 1000);
}

// ---------------------------------------------------------------- the same model with the node API

function hopNode(node: NodeContext): void {
  const peers = node.peers;
  node.on<{ type: "hop"; hops: number }>("hop", (msg) => node.send(peers[node.random.int(peers.length)]!, { type: "hop", hops: msg.body.hops + 1 }));
  node.send(peers[node.random.int(peers.length)]!, { type: "hop", hops: 0 });
}

async function pardisLoop(n: number, messages: number, seed: number, recordMessages: boolean): Promise<number> {
  // Mean delay 5.5 ms and n messages in flight: n / 5.5 deliveries per virtual ms.
  const durationMs = (messages * 5.5) / n;
  const started = performance.now();
  const run = await simulate(hopNode, { seed, nodes: n, durationMs, latency: { kind: "uniform", minMs: 1, maxMs: 10 }, recordMessages, recordLogs: false, progress: false, maxEvents: messages * 4 });
  return run.stats.delivered / ((performance.now() - started) / 1000);
}

// ---------------------------------------------------------------- figures

interface Figure {
  key: string;
  nodes: number;
  recorded: boolean;
  plainPerSec: number;
  pardisPerSec: number;
  ratio: number;
  ratios: number[];
  target: string;
  met: boolean | null;
}

async function figure(n: number, recorded: boolean): Promise<Figure> {
  const plain: number[] = [];
  const pardis: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    let p: number;
    let s: number;
    if (round % 2 === 0) {
      p = plainLoop(n, MESSAGES, round + 1);
      s = await pardisLoop(n, MESSAGES, round + 1, recorded);
    } else {
      s = await pardisLoop(n, MESSAGES, round + 1, recorded);
      p = plainLoop(n, MESSAGES, round + 1);
    }
    if (round === 0) continue; // warm-up
    plain.push(p);
    pardis.push(s);
    ratios.push(s / p);
  }
  const ratio = median(ratios);
  return {
    key: `delivered_n${n}${recorded ? "_recorded" : ""}`,
    nodes: n,
    recorded,
    plainPerSec: median(plain),
    pardisPerSec: median(pardis),
    ratio,
    ratios,
    target: recorded ? "(reported)" : `>= ${TARGET}x`,
    met: recorded ? null : ratio >= TARGET,
  };
}

function table(figures: Figure[]): string {
  const m = (x: number) => `${(x / 1e6).toFixed(2)}M/s`;
  const rows = [
    ["nodes", "messages recorded", "plain loop", "pardis simulate", "ratio (median)", "target", "met"],
    ...figures.map((f) => [String(f.nodes), f.recorded ? "yes" : "no", m(f.plainPerSec), m(f.pardisPerSec), `${f.ratio.toFixed(2)}x`, f.target, f.met === null ? "-" : f.met ? "yes" : "NO"]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")).join("\n");
}

async function measure(): Promise<void> {
  const startedAt = new Date().toISOString();
  const load = loadavg();
  out(`[bench] sim: ${ROUNDS} rounds of ${MESSAGES} delivered messages per figure\n`);
  const figures: Figure[] = [];
  for (const n of SIZES) figures.push(await figure(n, false));
  for (const n of SIZES) figures.push(await figure(n, true));
  const env = `node ${process.version}, ${availableParallelism()} cores available (${cpus()[0]?.model ?? "?"}), load ${load.map((l) => l.toFixed(2)).join(" ")} at start`;
  out(`\n=== Simulator benchmark (${env}) ===\n`);
  out("Delivered messages per second; ratio = pardis / plain loop, per round (variants alternate), median over rounds.\n\n");
  out(`${table(figures)}\n\n`);
  const artifacts = join(import.meta.dirname, "..", "artifacts");
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(
    join(artifacts, "sim-bench.json"),
    `${JSON.stringify(
      {
        startedAt,
        environment: { node: process.version, cores: availableParallelism(), cpuModel: cpus()[0]?.model, loadavgAtStart: load },
        parameters: { rounds: ROUNDS, messages: MESSAGES, sizes: SIZES, latency: "uniform 1-10 ms" },
        figures: Object.fromEntries(figures.map((f) => [f.key, f])),
      },
      null,
      2,
    )}\n`,
  );
}

describe("sim", () => {
  bench("pardis simulator against a plain binary-heap loop (one measured run; see the table)", measure, {
    iterations: 1,
    time: 0,
    warmupIterations: 0,
    warmupTime: 0,
    throws: true,
  });
});
