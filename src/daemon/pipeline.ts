// The engine's hot path between inputs and outputs: route a batch, hand each output its share in
// one call, and tell the input whether to keep reading. Backpressure runs backwards from here:
// an output above its high-water mark makes `submit` return false, and stream inputs pause
// until every busy output has drained.

import type { DurableLog, Output } from '../component.js';
import type { LogRecord } from '../record.js';
import type { Router } from '../engine/router.js';

export class Pipeline {
  private readonly waiters: (() => void)[] = [];
  private waiting = false;
  /** Called with every batch after routing (the --debug echo). */
  tap: ((batch: readonly LogRecord[]) => void) | null = null;

  /**
   * `journal`: where records bound for an output that reads the journal (`forward`) go first, when
   * their input did not put them there already; `readers` are those outputs' indexes.
   */
  constructor(private readonly router: Router, private readonly outputs: readonly Output[],
    private readonly journal: DurableLog | null = null, private readonly readers: readonly number[] = []) {}

  submit = (batch: LogRecord[]): boolean => {
    const perOutput: LogRecord[][] = this.outputs.map(() => []);
    this.router.route(batch, perOutput);
    if (this.journal) {
      for (const i of this.readers) {
        for (const rec of perOutput[i]!) if (rec.journalSeq === 0) this.journal.append(rec);
      }
    }
    for (let i = 0; i < perOutput.length; i++) {
      const part = perOutput[i]!;
      if (part.length) this.outputs[i]!.write(part);
    }
    if (this.tap) this.tap(batch);
    return !this.busy();
  };

  busy(): boolean {
    for (const o of this.outputs) if (o.busy) return true;
    return false;
  }

  onWritable = (cb: () => void): void => {
    this.waiters.push(cb);
    if (!this.waiting) {
      this.waiting = true;
      this.check();
    }
  };

  private readonly check = (): void => {
    const busy = this.outputs.find((o) => o.busy);
    if (busy) {
      busy.onDrain(this.check);
      return;
    }
    this.waiting = false;
    const ws = this.waiters.splice(0);
    for (const w of ws) w();
  };
}
