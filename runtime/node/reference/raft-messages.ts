import type { RaftEntry } from "./raft-log.js";

// Type aliases, not interfaces: a message body must fit MessageBody's index signature.

/** A candidate asks for a vote (RequestVote in the paper). */
export type RequestVote = {
  type: "request_vote";
  term: number;
  lastLogIndex: number;
  lastLogTerm: number;
};

export type VoteReply = {
  type: "vote_reply";
  term: number;
  granted: boolean;
};

/** The leader's replication message, also its heartbeat when `entries` is empty (AppendEntries). */
export type AppendEntries = {
  type: "append_entries";
  term: number;
  prevLogIndex: number;
  prevLogTerm: number;
  entries: RaftEntry[];
  leaderCommit: number;
};

/**
 * A follower's answer. On success `matchIndex` is the last index this message
 * made agree with the leader; on failure `conflictIndex` is where the leader
 * should retry from (the follower's log end, or the first index of the
 * conflicting term), so a lagging follower catches up in a few round trips.
 */
export type AppendReply = {
  type: "append_reply";
  term: number;
  success: boolean;
  matchIndex: number;
  conflictIndex: number;
};

/** A follower hands a client request to the leader it believes in; `id` names the request, since the network may deliver the forward twice. */
export type Forward = {
  type: "raft_forward";
  id: string;
  command: unknown;
};

/** The leader's answer to a forward: the client's reply (an error body too), tagged with the request id it answers. */
export type ForwardReply = {
  type: "raft_forward_ok";
  id: string;
  reply: { type: string; [field: string]: unknown };
};
