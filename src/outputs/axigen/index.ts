// `axigen` output: one Axigen Log Service rule's file. Writes the records whose level bit passes
// both the sender's mask and the rule's `level_mask`, as Axigen lines, into one file under the log
// root, rotated by size, age and calendar period. Owns: one RotatingWriter (one fd).
// Invariants: order kept; a record that passes the mask ends written or counted as discarded with
// a reason; one that does not is counted as `filtered.level_mask`.
// Failure: a path outside the root or a file that cannot be opened fails `open()`; later open,
// write and rename errors are logged (once a minute) and counted by errno. write() never throws.

import type { Output, OutputContext } from '../../component.js';
import { axigenPasses, recordAxigenBit } from '../../levels/axigen.js';
import type { LogRecord } from '../../record.js';
import type { Formatter } from '../../syslog/formatter.js';
import type { Counter } from '../../telemetry/counters.js';
import { OutputAccounting } from '../rotation/accounting.js';
import { policyFromKeys } from '../rotation/index.js';
import { RotatingWriter, type Clock } from '../rotation/writer.js';
import { axigenFilePath, type AxigenOutputConfig } from './config.js';
import { axigenFormatter } from './line.js';

export { axigenOutputSpec, checkAxigenOutput, type AxigenOutputConfig } from './config.js';
export { axigenFormatter } from './line.js';

export function createAxigenOutput(config: AxigenOutputConfig, ctx: OutputContext): Output {
  return new AxigenOutput(config, ctx);
}

export class AxigenOutput implements Output {
  private readonly acct: OutputAccounting;
  private readonly writer: RotatingWriter | null;
  private readonly problem: string | null;
  private readonly filtered: Counter;
  private readonly format: Formatter;
  private state: 'new' | 'open' | 'closing' = 'new';
  private closing: Promise<void> | null = null;

  constructor(private readonly config: AxigenOutputConfig, ctx: OutputContext, clock: Clock = Date.now,
    format: Formatter = axigenFormatter()) {
    this.acct = new OutputAccounting(ctx, config.queue_max_bytes);
    this.filtered = ctx.counters.get(this.acct.scope, 'filtered', 'level_mask');
    this.format = format;
    const where = axigenFilePath(config.path, ctx.logRoot);
    this.problem = where.ok ? null : where.error;
    this.writer = where.ok
      ? new RotatingWriter(where.file, policyFromKeys(config), { kind: config.rotate_naming, keep: config.max_files },
        { fileMode: config.file_mode, dirMode: config.dir_mode, fsync: config.fsync, flushIntervalMs: 0 }, this.acct.events, clock)
      : null;
  }

  async open(): Promise<void> {
    if (this.writer === null) throw new Error(`${this.acct.scope}: path: ${this.problem ?? ''}`);
    if (this.state !== 'new') return;
    this.state = 'open';
    const w = this.writer;
    await w.open().catch((err: NodeJS.ErrnoException) => {
      throw new Error(`${this.acct.scope}: cannot open ${w.path}: ${err.message}`);
    });
  }

  write(batch: readonly LogRecord[]): void {
    const w = this.writer;
    if (this.state === 'closing' || w === null) {
      this.acct.discarded.closed.value += batch.length;
      return;
    }
    const mask = this.config.level_mask;
    let any = false;
    for (const rec of batch) {
      if (!axigenPasses(recordAxigenBit(rec.level, rec.severity), rec.axigenMask, mask)) {
        this.filtered.value++;
        continue;
      }
      if (!this.acct.admit()) continue;
      this.acct.appended(w.append(rec, this.format));
      any = true;
    }
    if (any) w.kick();
    this.acct.endBatch();
  }

  get busy(): boolean {
    return this.acct.busy;
  }

  onDrain(cb: () => void): void {
    this.acct.onDrain(cb);
  }

  async flush(): Promise<void> {
    if (this.closing) return this.closing;
    await this.writer?.flush();
  }

  async reopen(): Promise<void> {
    if (this.state === 'open') await this.writer?.reopen();
  }

  close(): Promise<void> {
    if (!this.closing) {
      this.state = 'closing';
      this.closing = this.writer?.close() ?? Promise.resolve();
    }
    return this.closing;
  }
}
