import type { ExecuteOutcome, ExecuteRequest, UserExpressionResult } from "../interpreter.js";
import { cellContext, enterCell, type CellContext } from "./cell-context.js";
import type { CellCompiler } from "./compile.js";
import type { Evaluator } from "./evaluate.js";
import { toMimeBundle } from "./format.js";
import type { OutputChannel } from "./output-channel.js";
import { cellFileName, diagnosticsContent, errorContent } from "./traceback.js";

/** IPython's help syntax, `?name` or `name?`: shows the type and docs of a name in the pager. */
function helpTarget(code: string): string | undefined {
  const match = /^\s*\?\s*([\w$.]+)\s*$/.exec(code) ?? /^\s*([\w$.]+)\s*\?\s*$/.exec(code);
  return match?.[1];
}

export class InterruptError extends Error {
  override readonly name = "InterruptError";
  readonly code = "interrupted";
  constructor() {
    super("Execution interrupted by the user; the kernel kept all variables");
  }
}

interface Running {
  cell: CellContext;
  interrupted: () => void;
  abort: AbortController;
  /** Set once the outcome is sent, so an interrupt and a late finish never both answer. */
  settled: boolean;
  finish: (outcome: ExecuteOutcome) => void;
}

/**
 * Runs one cell at a time: compile, evaluate, show the last value. An interrupt
 * answers the running cell at once with InterruptError; if the cell's own code
 * was stopped mid-flight by the host (busy loop), this is the only answer it gets.
 */
export class TsSession {
  #running: Running | undefined;
  #interruptController = new AbortController();

  constructor(
    private readonly compiler: CellCompiler,
    private readonly evaluator: Evaluator,
    private readonly channel: OutputChannel,
  ) {}

  /** The signal of the running cell (or of the next one, when idle). */
  get interruptSignal(): AbortSignal {
    return this.#interruptController.signal;
  }

  execute(request: ExecuteRequest): Promise<ExecuteOutcome> {
    return new Promise((resolve) => {
      const cell: CellContext = { parent: request.parent, executionCount: request.executionCount };
      let interrupted!: () => void;
      const interruptedPromise = new Promise<never>((_, reject) => {
        interrupted = () => reject(new InterruptError());
      });
      interruptedPromise.catch(() => undefined);
      const running: Running = {
        cell,
        interrupted,
        abort: this.#interruptController,
        settled: false,
        finish: (outcome) => {
          if (running.settled) return;
          running.settled = true;
          this.channel.flush();
          if (this.#running === running) this.#running = undefined;
          resolve(outcome);
        },
      };
      this.#running = running;
      enterCell(cell);
      void cellContext.run(cell, () => this.#run(request, cell, running, interruptedPromise));
    });
  }

  /** Answers the running cell with InterruptError and aborts its signal. Safe to call twice. */
  interrupt(): void {
    const running = this.#running;
    const controller = this.#interruptController;
    this.#interruptController = new AbortController();
    controller.abort(new InterruptError());
    if (!running) return;
    running.interrupted();
    this.#answerInterrupted(running);
  }

  #answerInterrupted(running: Running): void {
    if (running.settled) return;
    const error = new InterruptError();
    const content = { ename: error.name, evalue: error.message, traceback: [`${error.name}: ${error.message}`] };
    this.channel.emit({ msgType: "error", content }, running.cell);
    running.finish({ status: "error", ...content });
  }

  async #run(request: ExecuteRequest, cell: CellContext, running: Running, interrupted: Promise<never>): Promise<void> {
    const fail = (content: { ename: string; evalue: string; traceback: string[] }) => {
      if (running.settled) return;
      this.channel.emit({ msgType: "error", content }, cell);
      running.finish({ status: "error", ...content });
    };
    try {
      const help = helpTarget(request.code);
      if (help !== undefined) {
        const info = this.compiler.inspect(help, help.length);
        if (!info.found) return fail({ ename: "NameError", evalue: `Nothing known about ${help}`, traceback: [`No documentation found for ${help}`] });
        return running.finish({ status: "ok", userExpressions: {}, payload: [{ source: "page", data: info.data, start: 0 }] });
      }
      const compiled = this.compiler.compile(request.code);
      if (!compiled.ok) return fail(diagnosticsContent(request.executionCount, compiled.diagnostics));
      // Declarations carry over once the cell starts, as in Python: a cell that is
      // interrupted or throws has still created what it assigned before that.
      this.compiler.commit(compiled.cell);
      const run = this.evaluator.run(compiled.cell, cellFileName(request.executionCount));
      if (run.completion) await Promise.race([run.completion, interrupted]);
      if (running.settled) return;
      const value = run.lastValue();
      if (value !== undefined && !request.silent) {
        const data = await Promise.race([toMimeBundle(value), interrupted]);
        if (data !== undefined && Object.keys(data).length > 0) {
          this.channel.emit(
            { msgType: "execute_result", content: { execution_count: request.executionCount, data, metadata: {} } },
            cell,
          );
        }
      }
      const userExpressions = await this.#userExpressions(request.userExpressions);
      running.finish({ status: "ok", userExpressions, payload: [] });
    } catch (error) {
      // Usually interrupt() has answered already; if a loop guard saw the flag first, answer here.
      if (error instanceof InterruptError) return this.#answerInterrupted(running);
      fail(errorContent(error, (file, line) => this.evaluator.cellLine(file, line)));
    }
  }

  /** Each user expression is compiled and run like a tiny cell whose declarations are not kept. */
  async #userExpressions(expressions: Record<string, string>): Promise<Record<string, UserExpressionResult>> {
    const results: Record<string, UserExpressionResult> = {};
    for (const [name, code] of Object.entries(expressions)) {
      try {
        const compiled = this.compiler.compile(code);
        if (!compiled.ok) {
          results[name] = { status: "error", ...diagnosticsContent(0, compiled.diagnostics) };
          continue;
        }
        const run = this.evaluator.run(compiled.cell, `expression[${name}]`);
        if (run.completion) await run.completion;
        results[name] = { status: "ok", data: await toMimeBundle(run.lastValue()), metadata: {} };
      } catch (error) {
        results[name] = { status: "error", ...errorContent(error, () => undefined) };
      }
    }
    return results;
  }
}
