/**
 * What the controller needs from whatever runs one incarnation of a node: a
 * local process (NodeProcess) or a process on another machine started by a
 * `pardis node --join` agent (RemoteNode). Faults are the same either way.
 */
export type RunnerState = "running" | "paused" | "exited";

export interface NodeExit {
  code: number | null;
  signal: string | null;
}

export interface NodeRunner {
  readonly pid: number | undefined;
  readonly state: RunnerState;
  /** Settles when the node's process has exited. */
  readonly exited: Promise<NodeExit>;
  /** SIGKILL to the node's process group; resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGSTOP; resolves once the process is stopped. */
  pause(): Promise<void>;
  /** SIGCONT; resolves once it runs again. */
  resume(): Promise<void>;
}
