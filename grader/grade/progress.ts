/**
 * Batch progress on stderr: a bar redrawn in place on a terminal, one plain
 * line per finished submission otherwise (CI logs and files stay readable).
 */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export class Progress {
  private scenariosDone = 0;
  private submissionsDone = 0;
  private readonly started = Date.now();

  constructor(
    private readonly stream: ProgressStream,
    private readonly totalScenarios: number,
    private readonly totalSubmissions: number,
  ) {}

  scenarioDone(): void {
    this.scenariosDone += 1;
    if (this.stream.isTTY) this.draw();
  }

  submissionDone(name: string, score: number, maxScore: number, note = ""): void {
    this.submissionsDone += 1;
    if (this.stream.isTTY) {
      this.stream.write(`\r\u001b[K${name}: ${score}/${maxScore}${note}\n`);
      this.draw();
    } else {
      this.stream.write(`[${this.submissionsDone}/${this.totalSubmissions}] ${name}: ${score}/${maxScore}${note}\n`);
    }
  }

  finish(): void {
    if (this.stream.isTTY) this.stream.write("\r\u001b[K");
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    this.stream.write(`graded ${this.submissionsDone} submission(s), ${this.scenariosDone} scenario run(s) in ${seconds} s\n`);
  }

  private draw(): void {
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 50));
    const fraction = this.totalScenarios ? this.scenariosDone / this.totalScenarios : 1;
    const filled = Math.round(fraction * width);
    this.stream.write(
      `\r\u001b[K[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${this.scenariosDone}/${this.totalScenarios} scenarios · ${this.submissionsDone}/${this.totalSubmissions} submissions`,
    );
  }
}
