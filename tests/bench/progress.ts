/**
 * One progress line on stderr while the benchmark runs: rewritten in place on a terminal, one line per update
 * otherwise (CI logs), so stdout keeps only the final table.
 */
export class Progress {
  private readonly tty = process.stderr.isTTY === true;
  private lastLength = 0;
  private readonly started = performance.now();

  update(text: string): void {
    const line = `[bench ${((performance.now() - this.started) / 1000).toFixed(0).padStart(3)}s] ${text}`;
    if (this.tty) {
      process.stderr.write(`\r${line.padEnd(this.lastLength)}`);
      this.lastLength = line.length;
    } else {
      process.stderr.write(`${line}\n`);
    }
  }

  done(): void {
    if (this.tty && this.lastLength > 0) process.stderr.write('\n');
    this.lastLength = 0;
  }
}
