import type { ErrorContent, Header, MimeBundle } from "./protocol/index.js";

/**
 * The interpreter role (xeus' xinterpreter): compile and run cells, answer
 * completion and inspection. It knows nothing of sockets or signatures.
 */
export interface ExecuteRequest {
  code: string;
  /** The count this cell shows as In[n]; unchanged for silent cells. */
  executionCount: number;
  silent: boolean;
  storeHistory: boolean;
  userExpressions: Record<string, string>;
  allowStdin: boolean;
  parent: Header;
}

export type ExecuteOutcome =
  | { status: "ok"; userExpressions: Record<string, UserExpressionResult>; payload: unknown[] }
  | ({ status: "error" } & ErrorContent);

export type UserExpressionResult =
  | { status: "ok"; data: MimeBundle; metadata: Record<string, unknown> }
  | ({ status: "error" } & ErrorContent);

/** An iopub message produced while running code, with the cell (parent) it belongs to. */
export interface Output {
  msgType: "stream" | "display_data" | "update_display_data" | "execute_result" | "error" | "clear_output" | "comm_open" | "comm_msg" | "comm_close";
  content: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  parent: Header;
}

export interface InputRequest {
  prompt: string;
  password: boolean;
  parent: Header;
}

export interface CompleteResult {
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: Record<string, unknown>;
}

export interface InspectResult {
  found: boolean;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface IsCompleteResult {
  status: "complete" | "incomplete" | "invalid" | "unknown";
  indent?: string;
}

export interface CommMessage {
  kind: "open" | "msg" | "close";
  commId: string;
  targetName?: string;
  data: Record<string, unknown>;
  parent: Header;
}

export interface InterpreterEvents {
  output(output: Output): void;
  input(request: InputRequest): Promise<string>;
}

export interface Interpreter {
  /** Starts loading the compiler in the background; the first execute waits for it. */
  start(events: InterpreterEvents): void;
  execute(request: ExecuteRequest): Promise<ExecuteOutcome>;
  complete(code: string, cursorPos: number): Promise<CompleteResult>;
  inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectResult>;
  isComplete(code: string): Promise<IsCompleteResult>;
  comm(message: CommMessage): void;
  commTargets(): Promise<Record<string, { target_name: string }>>;
  /** Stops the running cell (busy loop, pending await, pools, simulations); keeps state. */
  interrupt(): Promise<void>;
  shutdown(): Promise<void>;
}
