/** Cells run in this kernel, for history_request (tail, range and search, as IPython answers them). */
export interface HistoryEntry {
  line: number;
  input: string;
  output: string | null;
}

export type HistoryTuple = [number, number, string] | [number, number, [string, string | null]];

/** IPython-style glob: `*` any run of characters, `?` one character. */
function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "s");
}

export class History {
  readonly #entries: HistoryEntry[] = [];
  /** One session per kernel process; IPython numbers sessions, we keep a single one. */
  readonly session = 1;

  record(line: number, input: string): void {
    this.#entries.push({ line, input, output: null });
  }

  setOutput(line: number, output: string): void {
    const entry = this.#entries.findLast((e) => e.line === line);
    if (entry) entry.output = output;
  }

  query(content: Record<string, unknown>): HistoryTuple[] {
    const output = content.output === true;
    const toTuple = (entry: HistoryEntry): HistoryTuple =>
      output ? [this.session, entry.line, [entry.input, entry.output]] : [this.session, entry.line, entry.input];
    const n = typeof content.n === "number" ? content.n : undefined;
    switch (content.hist_access_type) {
      case "tail":
        return (n === undefined ? this.#entries : this.#entries.slice(-n)).map(toTuple);
      case "range": {
        if (typeof content.session === "number" && content.session !== this.session && content.session !== 0) return [];
        const start = typeof content.start === "number" ? content.start : 0;
        const stop = typeof content.stop === "number" ? content.stop : Infinity;
        return this.#entries.filter((e) => e.line >= start && e.line < stop).map(toTuple);
      }
      case "search": {
        const pattern = globToRegExp(typeof content.pattern === "string" ? content.pattern : "*");
        let found = this.#entries.filter((e) => pattern.test(e.input));
        if (content.unique === true) {
          const seen = new Set<string>();
          found = found.reverse().filter((e) => !seen.has(e.input) && seen.add(e.input)).reverse();
        }
        return (n === undefined ? found : found.slice(-n)).map(toTuple);
      }
      default:
        return [];
    }
  }
}
