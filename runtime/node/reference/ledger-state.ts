import { ErrorCode, errorBody } from "../rpc-error.js";
import { genesisBlock, sealBlock, type LedgerBlock, type LedgerTransfer } from "./ledger-chain.js";

/** A client's request to the ledger. `ref` is optional: the client's own name for a transfer, echoed in the reply and kept in the block. */
export type LedgerRequest =
  | { type: "transfer"; from: string; to: string; amount: number; ref?: string }
  | { type: "balances" }
  /** Closes the current block; the leader proposes one now and then, so a quiet ledger still seals what it accepted. */
  | { type: "seal" };

/**
 * The ledger's deterministic state machine: balances, the sealed chain, and
 * the transfers accepted since the last block. A transfer is accepted only
 * if the sender's balance covers it when it is applied, so every node that
 * applies the same commands in the same order accepts the same transfers and
 * seals the same blocks (a block closes after `blockSize` transfers, or at a
 * seal command).
 */
export class LedgerState {
  readonly balances: Record<string, number>;
  readonly chain: LedgerBlock[];
  private pending: LedgerTransfer[] = [];
  /** Answers by client ref: a client's transfer that reaches the ledger twice (a duplicated message, a retry) is decided once. */
  private readonly answered = new Map<string, { type: string; [field: string]: unknown }>();

  constructor(
    openingBalances: Readonly<Record<string, number>>,
    private readonly blockSize: number,
    /** Called with each block as it is sealed, genesis included (at construction). */
    private readonly onSeal: (block: LedgerBlock) => void,
  ) {
    this.balances = { ...openingBalances };
    this.chain = [genesisBlock(this.balances)];
    onSeal(this.chain[0]!);
  }

  get unsealed(): number {
    return this.pending.length;
  }

  apply(request: LedgerRequest, id: string): { type: string; [field: string]: unknown } {
    switch (request.type) {
      case "balances":
        return { type: "balances_ok", balances: { ...this.balances }, height: this.chain.length - 1 };
      case "seal":
        this.seal();
        return { type: "seal_ok", height: this.chain.length - 1 };
      case "transfer": {
        if (request.ref !== undefined && this.answered.has(request.ref)) return this.answered.get(request.ref)!;
        const reply = this.transfer(request, id);
        if (request.ref !== undefined) this.answered.set(request.ref, reply);
        return reply;
      }
      default:
        return errorBody(ErrorCode.notSupported, `unknown ledger request ${JSON.stringify(request)}`);
    }
  }

  private transfer(request: LedgerRequest & { type: "transfer" }, id: string): { type: string; [field: string]: unknown } {
    const { from, to, amount } = request;
    const ref = request.ref === undefined ? {} : { ref: request.ref };
    if (!(from in this.balances) || !(to in this.balances) || from === to || !Number.isInteger(amount) || amount <= 0) {
      return { ...errorBody(ErrorCode.malformedRequest, `bad transfer ${JSON.stringify({ from, to, amount })}`), ...ref };
    }
    if (this.balances[from]! < amount) {
      return { ...errorBody(ErrorCode.preconditionFailed, `${from} has ${this.balances[from]}, cannot send ${amount}`), ...ref };
    }
    this.record({ id, ...ref, from, to, amount });
    return { type: "transfer_ok", ...ref };
  }

  /** Moves the money, unchecked: apply() checks first. (The broken ledger's peers call this directly, trusting the sender.) */
  record(transfer: LedgerTransfer): void {
    this.balances[transfer.from]! -= transfer.amount;
    this.balances[transfer.to]! += transfer.amount;
    this.pending.push(transfer);
    if (this.pending.length >= this.blockSize) this.seal();
  }

  seal(): void {
    if (this.pending.length === 0) return;
    const block = sealBlock(this.chain.length, this.chain.at(-1)!.hash, this.pending, this.balances);
    this.pending = [];
    this.chain.push(block);
    this.onSeal(block);
  }
}
