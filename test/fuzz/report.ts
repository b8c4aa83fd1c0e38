// What a fuzzer run found: counts by name (programs run, agreements, accepted differences by
// reason ...), the failures (each one line), and notes; printed as it goes and at the end.

export class FuzzReport {
  readonly counts = new Map<string, number>();
  readonly failures: string[] = [];
  readonly notes: string[] = [];
  private readonly started = Date.now();
  private lastProgress = Date.now();

  constructor(readonly fuzzer: string, readonly seed: number, private readonly log: (line: string) => void) {}

  count(name: string, by = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  fail(line: string): void {
    this.failures.push(line);
    this.log(`${this.fuzzer}: FAIL ${line}`);
  }

  note(line: string): void {
    this.notes.push(line);
    this.log(`${this.fuzzer}: ${line}`);
  }

  /** A progress line, at most every 10 seconds. */
  progress(what: string): void {
    if (Date.now() - this.lastProgress < 10_000) return;
    this.lastProgress = Date.now();
    this.log(`${this.fuzzer}: ${what} after ${this.elapsed().toFixed(0)} s`);
  }

  elapsed(): number {
    return (Date.now() - this.started) / 1000;
  }

  summary(): string {
    const lines = [`${this.fuzzer} (seed ${this.seed}, ${this.elapsed().toFixed(0)} s): ${this.failures.length === 0 ? 'no failures' : `${this.failures.length} FAILURES`}`];
    for (const [name, n] of [...this.counts].sort((a, b) => a[0].localeCompare(b[0]))) lines.push(`  ${String(n).padStart(10)}  ${name}`);
    for (const f of this.failures.slice(0, 20)) lines.push(`  FAIL ${f}`);
    if (this.failures.length > 20) lines.push(`  ... and ${this.failures.length - 20} more failures`);
    return lines.join('\n');
  }
}
