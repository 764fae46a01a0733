// The engine's hot path between inputs and outputs: route a batch, hand each output its share in
// one call, and tell the input whether to keep reading. Backpressure runs backwards from here:
// an output above its high-water mark makes `submit` return false, and stream inputs pause
// until every busy output has drained.

import type { Output } from '../component.js';
import type { LogRecord } from '../record.js';
import type { Router } from '../engine/router.js';

export class Pipeline {
  private readonly waiters: (() => void)[] = [];
  private waiting = false;
  /** Called with every batch after routing (the --debug echo). */
  tap: ((batch: readonly LogRecord[]) => void) | null = null;

  constructor(private readonly router: Router, private readonly outputs: readonly Output[]) {}

  submit = (batch: LogRecord[]): boolean => {
    const perOutput: LogRecord[][] = this.outputs.map(() => []);
    this.router.route(batch, perOutput);
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
