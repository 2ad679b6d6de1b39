import type { NodeContext } from "../context.js";
import { withRecipe } from "../program.js";

export interface FailureDetectorOptions {
  /** How often a node sends a heartbeat to every peer. @default 20 */
  intervalMs?: number;
  /**
   * How long without a heartbeat before a peer is suspected. Must exceed the
   * interval plus the worst network delay, or live peers get suspected.
   * @default 60
   */
  timeoutMs?: number;
  /** Fields carried on every heartbeat (a view number, say), for protocols built on top. */
  piggyback?: () => Record<string, unknown>;
  /** Called with every heartbeat received, after the detector has noted it. */
  onHeartbeat?: (from: string, body: Record<string, unknown>) => void;
}

export interface FailureDetector {
  /** Whether this node currently suspects `peer` of having crashed. */
  suspects(peer: string): boolean;
  /** Peers currently suspected, in peer order. */
  suspected(): string[];
  /** Called whenever a peer becomes suspected (true) or trusted again (false). */
  onChange(listener: (peer: string, suspected: boolean) => void): void;
}

/**
 * A heartbeat failure detector: every node sends a heartbeat to every peer each
 * interval, and suspects a peer it has not heard from for `timeoutMs`. Hearing
 * from a suspected peer again trusts it again and doubles that peer's timeout,
 * so mistakes get rarer over time (Chandra and Toueg's eventually perfect
 * detector, ◇P). Timeouts are timers, never clock readings, so clock skew
 * cannot fake a silence.
 *
 * Invariant (strong completeness): a crashed peer sends nothing, so every live
 * node suspects it within timeout + one network delay, for good.
 * Tolerates: crashes and restarts (a restarted peer is trusted again at its
 * first heartbeat), skew. In a synchronous network (no loss, delays below
 * timeout − interval, no pauses) it is also accurate: no live peer is ever
 * suspected, which makes it a perfect detector (P).
 * Does not tolerate: loss, partitions and pauses make it suspect live peers
 * (a slow node and a dead one look the same); it only becomes accurate again
 * after they end. Anything built on it that needs P (primary-backup) inherits
 * that limit.
 */
export function heartbeatFailureDetector(node: NodeContext, options: FailureDetectorOptions = {}): FailureDetector {
  const intervalMs = options.intervalMs ?? 20;
  const timeouts = new Map<string, number>(node.peers.map((p) => [p, options.timeoutMs ?? 60]));
  const silenceTimers = new Map<string, number>();
  const suspected = new Set<string>();
  const listeners: Array<(peer: string, suspected: boolean) => void> = [];
  const notify = (peer: string, isSuspected: boolean) => listeners.forEach((listener) => listener(peer, isSuspected));

  /** (Re)starts the wait for `peer`'s next heartbeat; silence until it fires means suspicion. */
  const expect = (peer: string) => {
    const pending = silenceTimers.get(peer);
    if (pending !== undefined) node.cancel(pending);
    const timer = node.setTimer(timeouts.get(peer)!, () => {
      // Only the latest wait counts: a timer that outlived its cancel (held through a pause) is stale.
      if (silenceTimers.get(peer) !== timer) return;
      silenceTimers.delete(peer);
      suspected.add(peer);
      notify(peer, true);
    });
    silenceTimers.set(peer, timer);
  };

  node.on<{ type: "heartbeat" }>("heartbeat", (msg) => {
    const peer = msg.src;
    if (!timeouts.has(peer)) return;
    if (suspected.delete(peer)) {
      // A mistake: the peer was alive. Wait longer for it from now on.
      timeouts.set(peer, timeouts.get(peer)! * 2);
      notify(peer, false);
    }
    expect(peer);
    options.onHeartbeat?.(peer, msg.body);
  });
  node.every(intervalMs, () => {
    const extra = options.piggyback?.() ?? {};
    for (const peer of node.peers) node.send(peer, { ...extra, type: "heartbeat" });
  });
  // Everyone starts trusted, with one timeout of grace to be heard from.
  for (const peer of node.peers) expect(peer);

  return {
    suspects: (peer) => suspected.has(peer),
    suspected: () => node.peers.filter((p) => suspected.has(p)),
    onChange: (listener) => void listeners.push(listener),
  };
}

/** The detector as a node of its own: it logs "suspect <peer>" and "trust <peer>", which the tests and the Lamport diagram read. */
export function failureDetectorNode(options: FailureDetectorOptions = {}) {
  return withRecipe((node: NodeContext): void => {
    const detector = heartbeatFailureDetector(node, options);
    detector.onChange((peer, isSuspected) => node.log(isSuspected ? "suspect" : "trust", peer));
    node.on("suspects", () => ({ type: "suspects_ok", suspected: detector.suspected() }));
  }, "failureDetectorNode", [options]);
}
