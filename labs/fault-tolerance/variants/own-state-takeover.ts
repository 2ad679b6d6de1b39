/**
 * Known-wrong variant of the fault-tolerance lab: a new primary keeps its own values instead of the newest state among the majority that promised it. A backup that missed the last write before the primary crashed takes over without it: an acknowledged write disappears.
 */
import type { NodeContext } from "pardis";

/**
 * A replicated key-value register (read, write, cas) that stays linearizable
 * through crashes, restarts, message loss, duplication, reordering and
 * partitions, and answers again once the faults stop.
 */
export function kvNode(node: NodeContext) {
  const HEARTBEAT_MS = 20;
  const FIRST_TIMEOUT_MS = 60;
  const MAX_TIMEOUT_MS = 480;
  const majority = Math.floor(node.nodeIds.length / 2) + 1;

  // ---- Part 1: the failure detector ----------------------------------------------------
  /** Peers this node currently suspects of having crashed. */
  const suspected = new Set<string>();
  const timeoutOf = new Map<string, number>(node.peers.map((peer) => [peer, FIRST_TIMEOUT_MS]));
  const silenceTimer = new Map<string, number>();

  /** Starts (again) the wait for `peer`'s next heartbeat; if it runs out, the peer is suspected. */
  function expectHeartbeat(peer: string): void {
    const pending = silenceTimer.get(peer);
    if (pending !== undefined) node.cancel(pending);
    const timer = node.setTimer(timeoutOf.get(peer)!, () => {
      if (silenceTimer.get(peer) !== timer) return;
      suspected.add(peer);
      node.log("suspect", peer);
      takeOverIfNeeded();
    });
    silenceTimer.set(peer, timer);
  }

  /** A heartbeat from `peer` arrived. */
  function heardFrom(peer: string): void {
    if (suspected.delete(peer)) {
      // A mistake: the peer was alive, only slow or its heartbeats lost. Wait longer for it from now on.
      timeoutOf.set(peer, Math.min(MAX_TIMEOUT_MS, timeoutOf.get(peer)! * 2));
      node.log("trust", peer);
    }
    expectHeartbeat(peer);
  }

  // ---- Part 2: durable state -----------------------------------------------------------
  /** The replicated state: the values after `seq` operations, as ordered by the primary of `view`. */
  type State = { view: number; seq: number; values: Record<string, unknown> };
  const incarnation = (node.storage.get<number>("incarnation") ?? 0) + 1;
  node.storage.set("incarnation", incarnation);
  /** The highest view this node has promised to follow: it never again accepts anything from a lower one. */
  let view = node.storage.get<number>("view") ?? 0;
  let state = node.storage.get<State>("state") ?? { view: 0, seq: 0, values: {} };

  /** Whether this node is the primary of `view` and has finished taking over. */
  let active = false;
  /** The view this node is trying to take over, if any. */
  let takingOver: number | undefined;

  const primaryOf = (v: number) => node.nodeIds[v % node.nodeIds.length]!;
  const newer = (a: State, b: State) => a.view > b.view || (a.view === b.view && a.seq > b.seq);

  function promise(v: number): void {
    view = v;
    node.storage.set("view", v);
  }

  function store(next: State): void {
    state = next;
    node.storage.set("state", next);
  }

  /** Someone is in a higher view: stop leading or taking over. */
  function adoptView(v: number): void {
    if (v <= view) return;
    promise(v);
    active = false;
    if (takingOver !== undefined && takingOver < v) takingOver = undefined;
  }

  // ---- Part 3: taking over as primary --------------------------------------------------
  /** Called on every heartbeat tick and whenever a peer becomes suspected. */
  function takeOverIfNeeded(): void {
    if (active || takingOver !== undefined) return;
    const n = node.nodeIds.length;
    if (primaryOf(view) === node.id) return void takeOver(nextOwnView());
    if (!suspected.has(primaryOf(view))) return;
    // The next node in order that this node does not suspect takes over; if that is this node, go.
    for (let v = view + 1; v < view + n; v++) {
      const candidate = primaryOf(v);
      if (candidate === node.id) return void takeOver(v);
      if (!suspected.has(candidate)) return;
    }
  }

  /** The first view above the current one whose primary is this node (a fresh number every time). */
  function nextOwnView(): number {
    let v = view + 1;
    while (primaryOf(v) !== node.id) v++;
    return v;
  }

  /** Becomes primary of view `v`: a majority promises to ignore older views and hands over its state. */
  async function takeOver(v: number): Promise<void> {
    takingOver = v;
    promise(v);
    const states: State[] = [state];
    const ok = await majorityAnswer((peer) => ({ type: "prepare", view: v }), (reply) => {
      if (reply.type === "promise") states.push(reply.state as State);
      return reply.type === "promise";
    });
    if (takingOver !== v || view !== v) return;
    takingOver = undefined;
    if (!ok) return;
    // The newest state of a majority holds every operation a majority accepted before.
    const best = state; // BUG: the promises' states are ignored
    store({ view: v, seq: best.seq, values: best.values });
    active = true;
    node.log("primary of view", v);
  }

  /**
   * Sends `request(peer)` to every peer, again after each timeout, until a
   * majority (counting this node) answered with `accepted(reply)` true; false
   * when a peer shows a higher view or after a deadline.
   */
  function majorityAnswer(request: (peer: string) => { type: string; [field: string]: unknown }, accepted: (reply: Record<string, unknown>) => boolean): Promise<boolean> {
    return new Promise((resolve) => {
      let count = 1;
      let done = false;
      const finish = (result: boolean) => {
        if (done) return;
        done = true;
        node.cancel(deadline);
        resolve(result);
      };
      const deadline = node.setTimer(200, () => finish(false));
      if (count >= majority) return finish(true);
      for (const peer of node.peers) {
        void (async () => {
          while (!done) {
            try {
              const reply = (await node.rpc(peer, request(peer), { timeoutMs: 50 })).body;
              if (done) return;
              if (reply.type === "rejected") {
                adoptView(reply.view as number);
                return finish(false);
              }
              if (accepted(reply) && ++count >= majority) finish(true);
              return;
            } catch {
              // lost, or the peer is down: ask again until done
            }
          }
        })();
      }
    });
  }

  node.on<{ type: "prepare"; view: number }>("prepare", (msg) => {
    const v = msg.body.view;
    if (v > view) adoptView(v);
    else if (!(v === view && msg.src === primaryOf(v))) return { type: "rejected", view };
    return { type: "promise", state };
  });

  // ---- Part 4: replication -------------------------------------------------------------
  node.on<{ type: "accept"; view: number; seq: number; values: Record<string, unknown> }>("accept", (msg) => {
    const { view: v, seq, values } = msg.body;
    if (v < view) return { type: "rejected", view };
    adoptView(v);
    const incoming = { view: v, seq, values };
    if (newer(incoming, state)) store(incoming);
    return { type: "accepted" };
  });

  /** The primary runs one operation at a time, so operations reach the backups in order. */
  let tail: Promise<unknown> = Promise.resolve();
  function serially<T>(task: () => Promise<T>): Promise<T> {
    const result = tail.then(task);
    tail = result.catch(() => undefined);
    return result;
  }

  type Request = { type: "read"; key: string } | { type: "write"; key: string; value: unknown } | { type: "cas"; key: string; from: unknown; to: unknown };

  /** Runs one client operation as the primary. */
  async function execute(request: Request): Promise<Record<string, unknown>> {
    if (!active) return { type: "error", code: 11, text: "not the primary any more" };
    const values = { ...state.values };
    const current = values[request.key] ?? null;
    let reply: Record<string, unknown>;
    if (request.type === "read") reply = { type: "read_ok", value: current };
    else if (request.type === "write") {
      values[request.key] = request.value;
      reply = { type: "write_ok" };
    } else if (current !== request.from) return { type: "error", code: 22, text: `expected ${JSON.stringify(request.from)}, found ${JSON.stringify(current)}` };
    else {
      values[request.key] = request.to;
      reply = { type: "cas_ok" };
    }
    // Every operation, reads too, goes through a majority: a primary that was replaced cannot get one.
    const next = { view: state.view, seq: state.seq + 1, values };
    store(next);
    const ok = await majorityAnswer(() => ({ type: "accept", ...next }), (answer) => answer.type === "accepted");
    if (ok) return reply;
    return { type: "error", code: 13, text: "lost the majority during the operation; it may or may not have happened" };
  }

  // ---- Part 5: clients -----------------------------------------------------------------
  /** Forwarded requests already taken (the network may deliver one twice; a write must not run twice). */
  const taken = new Set<string>();
  async function serve(msg: { src: string; body: Record<string, unknown> }): Promise<Record<string, unknown> | undefined> {
    const { msg_id: id, forwardedBy, ...request } = msg.body;
    if (forwardedBy !== undefined) {
      const tag = `${msg.src}:${forwardedBy}:${id}`;
      if (taken.has(tag)) return undefined;
      taken.add(tag);
    }
    if (active) return serially(() => execute(request as Request));
    const primary = primaryOf(view);
    if (forwardedBy !== undefined || primary === node.id) return { type: "error", code: 11, text: `no primary ready in view ${view}` };
    try {
      const { msg_id: _m, in_reply_to: _r, ...reply } = (await node.rpc(primary, { ...(request as Request), forwardedBy: incarnation }, { timeoutMs: 200 })).body;
      return reply;
    } catch (error) {
      // A definite error (not the primary, precondition failed) surely did not happen: pass it on as it is.
      const { definite, errorCode, text } = error as { definite?: boolean; errorCode?: number; text?: string };
      if (definite === true) return { type: "error", code: errorCode, text };
      return { type: "error", code: 13, text: `primary ${primary} did not answer; the operation may have happened` };
    }
  }
  node.on("read", serve);
  node.on("write", serve);
  node.on("cas", serve);

  // ---- Start ---------------------------------------------------------------------------
  node.on<{ type: "heartbeat"; view: number }>("heartbeat", (msg) => {
    if (!timeoutOf.has(msg.src)) return;
    heardFrom(msg.src);
  });
  node.every(HEARTBEAT_MS, () => {
    for (const peer of node.peers) node.send(peer, { type: "heartbeat", view });
    takeOverIfNeeded();
  });
  for (const peer of node.peers) expectHeartbeat(peer);
}
