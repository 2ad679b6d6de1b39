import type { DurableStorage } from "../context.js";

/** One log entry: the term its leader created it in, a request id (empty for a leader's no-op) and the command. */
export interface RaftEntry {
  term: number;
  /** Unique per client request, so a request appended twice (a duplicated forward) is applied once. "" for no-ops. */
  id: string;
  /** The state machine's command; null for the no-op a new leader appends. */
  command: unknown;
}

/**
 * The state Raft must keep across a crash (Figure 2 of the paper): the current
 * term, the vote cast in it, and the log. Each change is written to durable
 * storage before the caller sends anything that depends on it (a vote, an
 * append acknowledgement), so a restarted node never contradicts what it said
 * before the crash. The entries are also mirrored in memory, so reading the
 * log costs no copies.
 *
 * Storage layout: "raft.term", "raft.votedFor", "raft.length", and one key
 * "raft.log.<index>" per entry, so an append writes one entry, not the log.
 *
 * `volatileVote` is the deliberate mistake: term and vote live only in
 * memory, so a node that crashes right after voting can vote again, for
 * someone else, in the same term after it restarts.
 */
export class RaftLog {
  private term: number;
  private vote: string | null;
  private readonly entries: RaftEntry[];

  constructor(
    private readonly storage: DurableStorage,
    private readonly volatileVote = false,
  ) {
    this.term = volatileVote ? 0 : (storage.get<number>("raft.term") ?? 0);
    this.vote = volatileVote ? null : (storage.get<string | null>("raft.votedFor") ?? null);
    const length = storage.get<number>("raft.length") ?? 0;
    this.entries = Array.from({ length }, (_, i) => storage.get<RaftEntry>(`raft.log.${i + 1}`)!);
  }

  get currentTerm(): number {
    return this.term;
  }

  get votedFor(): string | null {
    return this.vote;
  }

  /** Moves to a newer term, forgetting the vote of the old one. */
  setTerm(term: number): void {
    this.term = term;
    this.vote = null;
    this.persistVote();
  }

  recordVote(candidate: string): void {
    this.vote = candidate;
    this.persistVote();
  }

  get lastIndex(): number {
    return this.entries.length;
  }

  /** The term of the entry at `index` (1-based); 0 for index 0, the empty prefix. */
  termAt(index: number): number {
    return index === 0 ? 0 : (this.entries[index - 1]?.term ?? 0);
  }

  get lastTerm(): number {
    return this.termAt(this.entries.length);
  }

  entry(index: number): RaftEntry {
    const entry = this.entries[index - 1];
    if (entry === undefined) throw new RangeError(`raft log has no entry ${index} (length ${this.entries.length})`);
    return entry;
  }

  /** Entries from `from` (1-based) on, at most `max` of them. */
  slice(from: number, max: number): RaftEntry[] {
    return this.entries.slice(from - 1, from - 1 + max);
  }

  /** The first index holding an entry of `term`, searching back from `index`. */
  firstIndexOfTerm(term: number, index: number): number {
    let i = index;
    while (i > 1 && this.termAt(i - 1) === term) i--;
    return i;
  }

  append(entry: RaftEntry): number {
    this.entries.push(entry);
    this.storage.set(`raft.log.${this.entries.length}`, entry);
    this.storage.set("raft.length", this.entries.length);
    return this.entries.length;
  }

  /** Drops the entries from `index` on (a conflicting suffix the leader does not have). */
  truncateFrom(index: number): void {
    for (let i = index; i <= this.entries.length; i++) this.storage.delete(`raft.log.${i}`);
    this.entries.length = index - 1;
    this.storage.set("raft.length", this.entries.length);
  }

  private persistVote(): void {
    if (this.volatileVote) return;
    this.storage.set("raft.term", this.term);
    this.storage.set("raft.votedFor", this.vote);
  }
}
