/**
 * Known-wrong variant of the consensus lab: every node waits the same election timeout, so nodes that start together split the vote in every term, forever.
 */
type Role = "follower" | "candidate" | "leader";
type LogEntry = { term: number; command: unknown };
type RaftHost = {
  readonly id: string;
  readonly peers: readonly string[];
  readonly majority: number;
  send(to: string, message: RaftMessage): void;
  setTimer(delayMs: number, fn: () => void): number;
  every(intervalMs: number, fn: () => void): number;
  cancel(timer: number): void;
  random(): number;
  readonly storage: { get<T>(key: string): T | undefined; set(key: string, value: unknown): void };
  log(...parts: unknown[]): void;
};
type RequestVote = { type: "request_vote"; term: number; lastLogIndex: number; lastLogTerm: number };
type Vote = { type: "vote"; term: number; granted: boolean };
type AppendEntries = { type: "append_entries"; term: number; prevLogIndex: number; prevLogTerm: number; entries: LogEntry[]; leaderCommit: number };
type AppendReply = { type: "append_reply"; term: number; success: boolean; matchIndex: number };
type RaftMessage = RequestVote | Vote | AppendEntries | AppendReply;

export class RaftNode {
  static ELECTION_TIMEOUT_MS = 150;
  static HEARTBEAT_MS = 50;
  static MAX_BATCH = 50;

  // Durable state: written to storage (persist) before any message that depends on it leaves.
  currentTerm: number;
  votedFor: string | null;
  /** The entry at index i (1-based) is log[i - 1]. */
  log: LogEntry[];

  // Volatile state: lost on a crash.
  role: Role = "follower";
  commitIndex = 0;
  votes = new Set<string>();
  nextIndex = new Map<string, number>();
  matchIndex = new Map<string, number>();
  electionTimer: number | undefined = undefined;

  constructor(readonly host: RaftHost) {
    this.currentTerm = host.storage.get<number>("currentTerm") ?? 0;
    this.votedFor = host.storage.get<string | null>("votedFor") ?? null;
    this.log = host.storage.get<LogEntry[]>("log") ?? [];
    this.resetElectionTimer();
    host.every(RaftNode.HEARTBEAT_MS, () => this.heartbeat());
  }

  persist(): void {
    this.host.storage.set("currentTerm", this.currentTerm);
    this.host.storage.set("votedFor", this.votedFor);
    this.host.storage.set("log", this.log);
  }

  /** The term of the entry at `index` (0 for index 0, the empty prefix; undefined beyond the end). */
  termAt(index: number): number | undefined {
    return index === 0 ? 0 : this.log[index - 1]?.term;
  }

  lastLogTerm(): number {
    return this.termAt(this.log.length) ?? 0;
  }

  receive(from: string, message: RaftMessage): void {
    this.checkTerm(message.term);
    switch (message.type) {
      case "request_vote":
        return this.onRequestVote(from, message);
      case "vote":
        return this.onVote(from, message);
      case "append_entries":
        return this.onAppendEntries(from, message);
      case "append_reply":
        return this.onAppendReply(from, message);
    }
  }

  /** The rule for all servers, on every message. */
  checkTerm(term: number): void {
    // A newer term makes anyone a follower of that term.
    if (term > this.currentTerm) this.becomeFollower(term);
  }

  // ---------------------------------------------------------------- election

  /** How long a follower waits for a leader before it starts an election. */
  electionTimeout(): number {
    // Random in [T, 2T): two nodes rarely time out together, so split votes do not repeat forever.
    return RaftNode.ELECTION_TIMEOUT_MS * 1.5; // BUG: not randomized
  }

  resetElectionTimer(): void {
    if (this.electionTimer !== undefined) this.host.cancel(this.electionTimer);
    this.electionTimer = this.host.setTimer(this.electionTimeout(), () => this.startElection());
  }

  /** Adopts a newer term (with no vote cast in it yet) and steps down. */
  becomeFollower(term: number): void {
    if (term > this.currentTerm) {
      this.currentTerm = term;
      this.votedFor = null;
      this.persist();
    }
    if (this.role === "leader") this.resetElectionTimer(); // a leader had no election timer
    this.role = "follower";
  }

  startElection(): void {
    this.role = "candidate";
    this.currentTerm++;
    this.votedFor = this.host.id;
    this.persist(); // durable before any request_vote leaves
    this.votes = new Set([this.host.id]);
    this.resetElectionTimer(); // a split vote ends with a new election
    if (this.votes.size >= this.host.majority) return this.becomeLeader();
    this.askForVotes();
  }

  askForVotes(): void {
    const request: RequestVote = { type: "request_vote", term: this.currentTerm, lastLogIndex: this.log.length, lastLogTerm: this.lastLogTerm() };
    for (const peer of this.host.peers) if (!this.votes.has(peer)) this.host.send(peer, request);
  }

  onRequestVote(from: string, m: RequestVote): void {
    // The candidate's log must be at least as up to date as ours: its last term is newer, or the same with a log at least as long.
    const upToDate = m.lastLogTerm > this.lastLogTerm() || (m.lastLogTerm === this.lastLogTerm() && m.lastLogIndex >= this.log.length);
    const granted = m.term === this.currentTerm && (this.votedFor === null || this.votedFor === from) && upToDate;
    if (granted) {
      this.votedFor = from;
      this.persist(); // durable before the vote leaves: a restarted node must not vote twice in a term
      this.resetElectionTimer();
    }
    this.host.send(from, { type: "vote", term: this.currentTerm, granted });
  }

  onVote(from: string, m: Vote): void {
    if (this.role !== "candidate" || m.term !== this.currentTerm || !m.granted) return;
    this.votes.add(from);
    if (this.votes.size >= this.host.majority) this.becomeLeader();
  }

  becomeLeader(): void {
    this.role = "leader";
    if (this.electionTimer !== undefined) this.host.cancel(this.electionTimer);
    this.electionTimer = undefined;
    for (const peer of this.host.peers) {
      this.nextIndex.set(peer, this.log.length + 1);
      this.matchIndex.set(peer, 0);
    }
    // A no-op of its own term lets the new leader commit what earlier leaders left uncommitted.
    this.log.push({ term: this.currentTerm, command: null });
    this.persist();
    this.advanceCommitIndex();
    for (const peer of this.host.peers) this.sendAppendEntries(peer);
  }

  heartbeat(): void {
    if (this.role === "leader") for (const peer of this.host.peers) this.sendAppendEntries(peer);
    else if (this.role === "candidate") this.askForVotes(); // requests and votes get lost
  }

  // ---------------------------------------------------------------- replication

  sendAppendEntries(peer: string): void {
    const next = this.nextIndex.get(peer) ?? this.log.length + 1;
    const prevLogIndex = next - 1;
    this.host.send(peer, {
      type: "append_entries",
      term: this.currentTerm,
      prevLogIndex,
      prevLogTerm: this.termAt(prevLogIndex) ?? 0,
      entries: this.log.slice(prevLogIndex, prevLogIndex + RaftNode.MAX_BATCH),
      leaderCommit: this.commitIndex,
    });
  }

  /** A follower's side of AppendEntries: reply success only if our log matches the leader's up to the last entry sent. */
  onAppendEntries(from: string, m: AppendEntries): void {
    const reply = (success: boolean, matchIndex: number) =>
      this.host.send(from, { type: "append_reply", term: this.currentTerm, success, matchIndex });
    if (m.term < this.currentTerm) return reply(false, this.log.length); // a stale leader: our term tells it to step down
    this.role = "follower"; // a candidate of this term learns it lost
    this.resetElectionTimer();
    // Consistency check: we must hold the entry before the new ones, with the same term.
    if (m.prevLogIndex > this.log.length) return reply(false, this.log.length);
    if (this.termAt(m.prevLogIndex) !== m.prevLogTerm) return reply(false, m.prevLogIndex - 1);
    let index = m.prevLogIndex;
    let changed = false;
    for (const entry of m.entries) {
      index++;
      if (index <= this.log.length) {
        if (this.termAt(index) === entry.term) continue; // the same entry: a late, shorter message must not cut the log
        this.log.splice(index - 1); // a conflict: drop it and everything after it
      }
      this.log.push(entry);
      changed = true;
    }
    if (changed) this.persist();
    // Only what this message vouched for may be committed: the log may hold an unverified tail beyond it.
    const verified = m.prevLogIndex + m.entries.length;
    if (m.leaderCommit > this.commitIndex) this.commitIndex = Math.max(this.commitIndex, Math.min(m.leaderCommit, verified));
    reply(true, verified);
  }

  onAppendReply(from: string, m: AppendReply): void {
    if (this.role !== "leader" || m.term !== this.currentTerm) return; // an answer from an earlier term
    const matched = this.matchIndex.get(from) ?? 0;
    if (m.success) {
      if (m.matchIndex <= matched) return; // a duplicate or a late answer teaches nothing
      this.matchIndex.set(from, m.matchIndex);
      this.nextIndex.set(from, m.matchIndex + 1);
      this.advanceCommitIndex();
    } else {
      // Back off (at most to just past what the follower has) and try again at once.
      const next = Math.max(matched + 1, Math.min((this.nextIndex.get(from) ?? 1) - 1, m.matchIndex + 1));
      this.nextIndex.set(from, next);
      this.sendAppendEntries(from);
    }
  }

  /** The leader's commit rule. */
  advanceCommitIndex(): void {
    // The newest entry stored by a majority commits, but only one of the leader's own term (never an older term's by counting: Figure 8).
    for (let n = this.log.length; n > this.commitIndex; n--) {
      if (this.termAt(n) !== this.currentTerm) return;
      let stored = 1;
      for (const peer of this.host.peers) if ((this.matchIndex.get(peer) ?? 0) >= n) stored++;
      if (stored >= this.host.majority) {
        this.commitIndex = n;
        return;
      }
    }
  }

  /** A client's command: the harness calls this on the node it believes leads. */
  propose(command: unknown): boolean {
    if (this.role !== "leader") return false;
    this.log.push({ term: this.currentTerm, command });
    this.persist();
    this.advanceCommitIndex(); // a cluster of one commits at once
    for (const peer of this.host.peers) this.sendAppendEntries(peer);
    return true;
  }
}
