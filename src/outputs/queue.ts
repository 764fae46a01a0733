// The queue every output keeps between `write` and its files: bytes formatted and not yet written.
// Above the high-water mark the output is busy (stream inputs pause); it is free again at half of
// it, and then the drain callbacks run. One per output; its writers release what they finish.

import type { InternalLog } from '../telemetry/log.js';

export class OutputQueue {
  /** Bytes formatted and not yet written or lost. */
  queued = 0;
  /** Set by the output when it passes the high-water mark; cleared at half of it. */
  full = false;
  private callbacks: (() => void)[] = [];

  constructor(readonly highWater: number, private readonly log: InternalLog, private readonly scope: string) {}

  /** After a batch: full if above the high-water mark. */
  endBatch(): void {
    if (this.queued > this.highWater) this.full = true;
  }

  /** Calls `cb` once the queue is no longer full (at once, in a microtask, if it is not). */
  onDrain(cb: () => void): void {
    if (this.full) this.callbacks.push(cb);
    else queueMicrotask(cb);
  }

  /** Bytes written or lost: out of the queue. */
  release(bytes: number): void {
    this.queued -= bytes;
    if (this.full && this.queued <= this.highWater / 2) {
      this.full = false;
      const callbacks = this.callbacks;
      this.callbacks = [];
      for (const cb of callbacks) {
        try { cb(); } catch (err) { this.log.error(`${this.scope}: drain callback failed: ${(err as Error).message}`); }
      }
    }
  }
}
