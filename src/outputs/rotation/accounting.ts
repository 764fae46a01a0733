// What every output built on RotatingWriter counts and reports: records written, bytes, discards
// by reason, rotations, errors by errno; and its queue of formatted bytes not yet written, which
// makes it busy above the high-water mark. One per output; shared by its writers.

import type { OutputContext } from '../../component.js';
import type { Counter } from '../../telemetry/counters.js';
import type { RotationEvents } from './writer.js';
import { OutputQueue } from '../queue.js';

export type RotatingDiscard = 'queue_overflow' | 'format_error' | 'open_failed' | 'write_failed' | 'closed';
const REASONS: readonly RotatingDiscard[] = ['queue_overflow', 'format_error', 'open_failed', 'write_failed', 'closed'];

const ERROR_LOG_INTERVAL_MS = 60_000;

export class OutputAccounting {
  readonly scope: string;
  readonly events: RotationEvents;
  readonly discarded: Readonly<Record<RotatingDiscard, Counter>>;
  readonly queue: OutputQueue;
  private readonly written: Counter;
  private readonly bytes: Counter;
  private errorLoggedAt = -Infinity;
  private errorsSuppressed = 0;

  constructor(private readonly ctx: OutputContext, private readonly highWater: number) {
    this.scope = `output.${ctx.id}`;
    this.queue = new OutputQueue(highWater, ctx.log, this.scope);
    this.written = ctx.counters.get(this.scope, 'written');
    this.bytes = ctx.counters.get(this.scope, 'bytes');
    const discarded = {} as Record<RotatingDiscard, Counter>;
    for (const r of REASONS) discarded[r] = ctx.counters.get(this.scope, 'discarded', r);
    this.discarded = discarded;
    this.events = {
      written: (records, bytes) => {
        this.written.value += records;
        this.bytes.value += bytes;
        this.queue.release(bytes);
      },
      lost: (records, bytes, reason) => {
        this.discarded[reason].value += records;
        this.queue.release(bytes);
      },
      error: (writer, op, err) => this.reportError(`cannot ${op} ${writer.path}`, err),
      rotated: (file, reason, to) => {
        ctx.counters.get(this.scope, 'rotations', reason).value++;
        ctx.log.debug(`${this.scope}: rotated ${file} (${reason})${to === null ? ', deleted (keep 0)' : ` to ${to}`}`);
      },
      rotateFailed: (file, err) => this.reportError(`cannot rotate ${file}`, err),
    };
  }

  /** True once more than the high-water mark is queued, until half of it is left. */
  get busy(): boolean {
    return this.queue.full;
  }

  /** Room for one more record: below twice the high-water mark (else count it as queue_overflow). */
  admit(): boolean {
    if (this.queue.queued < this.highWater * 2) return true;
    this.discarded.queue_overflow.value++;
    return false;
  }

  /** Counts the bytes `append` returned (-1: a format error). */
  appended(n: number): void {
    if (n < 0) this.discarded.format_error.value++;
    else this.queue.queued += n;
  }

  /** After a batch: busy if above the high-water mark. */
  endBatch(): void {
    this.queue.endBatch();
  }

  onDrain(cb: () => void): void {
    this.queue.onDrain(cb);
  }

  /** Counts by errno; logs at most once a minute per output, saying how many were not logged. */
  private reportError(what: string, err: NodeJS.ErrnoException): void {
    this.ctx.counters.get(this.scope, 'errors', err.code ?? 'EUNKNOWN').value++;
    const now = Date.now();
    if (now - this.errorLoggedAt < ERROR_LOG_INTERVAL_MS) {
      this.errorsSuppressed++;
      return;
    }
    const more = this.errorsSuppressed > 0 ? ` (${this.errorsSuppressed} more errors in the last minute)` : '';
    this.errorLoggedAt = now;
    this.errorsSuppressed = 0;
    this.ctx.log.error(`${this.scope}: ${what}: ${err.message}${more}`);
  }
}
