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
    const routed = this.router.routeBatch(batch, this.outputs.length);
    const outputs = this.outputs;
    if (Array.isArray(routed)) {
      if (this.journal) for (const i of this.readers) this.toJournal(routed[i]!);
      for (let i = 0; i < routed.length; i++) if (routed[i]!.length > 0) outputs[i]!.write(routed[i]!);
    } else if (batch.length > 0) {
      // Every record goes to the same outputs: each of them is handed the batch itself.
      if (this.journal) for (const i of this.readers) if (routed.outputs.includes(i)) this.toJournal(batch);
      for (const i of routed.outputs) outputs[i]!.write(batch);
    }
    if (this.tap) this.tap(batch);
    return !this.busy();
  };

  /** Records bound for an output that reads the journal go there first, unless their input put them there. */
  private toJournal(records: readonly LogRecord[]): void {
    for (const rec of records) if (rec.journalSeq === 0) this.journal!.append(rec);
  }

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
