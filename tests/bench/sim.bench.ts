/**
 * Simulator throughput against a plain binary-heap event loop, measured in the
 * same run on the same machine (compare ratios: the machine is shared). Both
 * run the same model: N nodes, one message in flight per node, each delivery
 * forwards a message to a random other node with a uniform 1-10 ms delay.
 *
 *   plain loop      the anchors' probe, bench-des.mjs line for line
 *                   (runtime-anchors.md: 12.3M/7.2M/4.9M events/s on an idle
 *                   machine): a heap of {t, seq, src, dst, payload}, an sfc32
 *                   PRNG, a node object whose method handles each delivery, a
 *                   trace hash, and the random other node drawn as an index
 *                   that skips its own
 *   pardis          simulate() with a node written against the full node API
 *                   (node.on, node.send, node.random, node.nodeIds): message
 *                   envelopes, body copies, msg records, fault checks, timers
 *                   and interrupt checks included; the node draws the other
 *                   node the plain loop's way, an index into node.nodeIds that
 *                   skips its own
 *   pardis, peers   the same node drawing from node.peers instead. Reported, not
 *                   a target: node.peers is a per-node copy of the id list, and
 *                   with a thousand nodes that is a thousand 8 KB arrays read at
 *                   random, a cache miss per message that the plain loop (and the
 *                   indexed node) never takes. It is what learners' gossip code
 *                   costs at that size, so the table shows it.
 *
 *   delivered messages/s, 10 / 100 / 1000 nodes, recordMessages off   >= 0.5x
 *   the same through node.peers                                       (reported)
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

// ---------------------------------------------------------------- the plain loop (the anchors' probe bench-des.mjs, in TypeScript)

function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

function seeded(seed: number): () => number {
  const next = sfc32(0x9e3779b9, 0x243f6a88, 0xb7e15162, seed | 0);
  for (let i = 0; i < 15; i++) next();
  return next;
}

interface Payload {
  hops: number;
  origin: number;
}

interface PlainEvent {
  t: number;
  seq: number;
  src: number;
  dst: number;
  payload: Payload;
}

class EventHeap {
  a: PlainEvent[] = [];
  get size(): number {
    return this.a.length;
  }
  static less(x: PlainEvent, y: PlainEvent): boolean {
    return x.t < y.t || (x.t === y.t && x.seq < y.seq);
  }
  push(ev: PlainEvent): void {
    const a = this.a;
    let i = a.length;
    a.push(ev);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!EventHeap.less(ev, a[p]!)) break;
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
        if (c + 1 < n && EventHeap.less(a[c + 1]!, a[c]!)) c++;
        if (!EventHeap.less(a[c]!, last)) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

class PlainNode {
  received = 0;
  constructor(readonly id: number) {}
  onMessage(msg: Payload, sim: PlainSimulator): void {
    this.received++;
    sim.send(this.id, sim.randomPeer(this.id), { hops: msg.hops + 1, origin: msg.origin });
  }
}

class PlainSimulator {
  readonly rand: () => number;
  readonly heap = new EventHeap();
  readonly nodes: PlainNode[];
  now = 0;
  seq = 0;
  processed = 0;
  /** A rolling hash of (time, destination) of every delivery, as the probe keeps to check determinism. */
  trace = 0;
  constructor(n: number, seed: number) {
    this.rand = seeded(seed);
    this.nodes = Array.from({ length: n }, (_, i) => new PlainNode(i));
  }
  randomPeer(self: number): number {
    const n = this.nodes.length;
    let p = (this.rand() * (n - 1)) | 0;
    if (p >= self) p++;
    return p;
  }
  send(src: number, dst: number, payload: Payload): void {
    const delay = 1 + this.rand() * 9;
    this.heap.push({ t: this.now + delay, seq: this.seq++, src, dst, payload });
  }
  run(maxEvents: number): void {
    const heap = this.heap;
    const nodes = this.nodes;
    let trace = this.trace;
    for (let k = 0; k < maxEvents && heap.size > 0; k++) {
      const ev = heap.pop();
      this.now = ev.t;
      this.processed++;
      trace = (Math.imul(trace, 31) + ev.dst + ((ev.t * 1e6) | 0)) | 0;
      nodes[ev.dst]!.onMessage(ev.payload, this);
    }
    this.trace = trace;
  }
}

/** Delivers `messages` messages among `n` nodes, set-up included (as pardis's figure includes booting its nodes); returns delivered messages per second. */
function plainLoop(n: number, messages: number, seed: number): number {
  const started = performance.now();
  const sim = new PlainSimulator(n, seed);
  for (let i = 0; i < n; i++) sim.send(i, sim.randomPeer(i), { hops: 0, origin: i });
  sim.run(messages);
  return sim.processed / ((performance.now() - started) / 1000);
}

// ---------------------------------------------------------------- the same model with the node API

type Pick = "index" | "peers";

/** The plain loop's draw through the node API: an index into every node's id that skips this node's own. */
function hopNode(node: NodeContext): void {
  const ids = node.nodeIds;
  const self = ids.indexOf(node.id);
  const other = () => {
    const k = node.random.int(ids.length - 1);
    return ids[k >= self ? k + 1 : k]!;
  };
  node.on<{ type: "hop"; hops: number }>("hop", (msg) => node.send(other(), { type: "hop", hops: msg.body.hops + 1 }));
  node.send(other(), { type: "hop", hops: 0 });
}

/** The same node drawing from node.peers. */
function hopNodeByPeers(node: NodeContext): void {
  const peers = node.peers;
  node.on<{ type: "hop"; hops: number }>("hop", (msg) => node.send(peers[node.random.int(peers.length)]!, { type: "hop", hops: msg.body.hops + 1 }));
  node.send(peers[node.random.int(peers.length)]!, { type: "hop", hops: 0 });
}

async function pardisLoop(n: number, messages: number, seed: number, pick: Pick, recordMessages: boolean): Promise<number> {
  // Mean delay 5.5 ms and n messages in flight: n / 5.5 deliveries per virtual ms.
  const durationMs = (messages * 5.5) / n;
  const started = performance.now();
  const program = pick === "index" ? hopNode : hopNodeByPeers;
  const run = await simulate(program, { seed, nodes: n, durationMs, latency: { kind: "uniform", minMs: 1, maxMs: 10 }, recordMessages, recordLogs: false, progress: false, maxEvents: messages * 4 });
  return run.stats.delivered / ((performance.now() - started) / 1000);
}

// ---------------------------------------------------------------- figures

interface Figure {
  key: string;
  nodes: number;
  pick: Pick;
  recorded: boolean;
  plainPerSec: number;
  pardisPerSec: number;
  ratio: number;
  ratios: number[];
  target: string;
  met: boolean | null;
}

async function figure(n: number, pick: Pick, recorded: boolean): Promise<Figure> {
  const plain: number[] = [];
  const pardis: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    let p: number;
    let s: number;
    if (round % 2 === 0) {
      p = plainLoop(n, MESSAGES, round + 1);
      s = await pardisLoop(n, MESSAGES, round + 1, pick, recorded);
    } else {
      s = await pardisLoop(n, MESSAGES, round + 1, pick, recorded);
      p = plainLoop(n, MESSAGES, round + 1);
    }
    if (round === 0) continue; // warm-up
    plain.push(p);
    pardis.push(s);
    ratios.push(s / p);
  }
  const ratio = median(ratios);
  const targeted = pick === "index" && !recorded;
  return {
    key: `delivered_n${n}${pick === "peers" ? "_peers" : ""}${recorded ? "_recorded" : ""}`,
    nodes: n,
    pick,
    recorded,
    plainPerSec: median(plain),
    pardisPerSec: median(pardis),
    ratio,
    ratios,
    target: targeted ? `>= ${TARGET}x` : "(reported)",
    met: targeted ? ratio >= TARGET : null,
  };
}

function table(figures: Figure[]): string {
  const m = (x: number) => `${(x / 1e6).toFixed(2)}M/s`;
  const rows = [
    ["nodes", "other node from", "messages recorded", "plain loop", "pardis simulate", "ratio (median)", "target", "met"],
    ...figures.map((f) => [String(f.nodes), f.pick === "index" ? "node.nodeIds" : "node.peers", f.recorded ? "yes" : "no", m(f.plainPerSec), m(f.pardisPerSec), `${f.ratio.toFixed(2)}x`, f.target, f.met === null ? "-" : f.met ? "yes" : "NO"]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")).join("\n");
}

async function measure(): Promise<void> {
  const startedAt = new Date().toISOString();
  const load = loadavg();
  out(`[bench] sim: ${ROUNDS} rounds of ${MESSAGES} delivered messages per figure\n`);
  const figures: Figure[] = [];
  for (const n of SIZES) figures.push(await figure(n, "index", false));
  for (const n of SIZES) figures.push(await figure(n, "peers", false));
  for (const n of SIZES) figures.push(await figure(n, "index", true));
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
