// One log file that is rotated by a policy. Owns: the FileWriter of the current file, the chain
// of rotations under way, and what it knows of the current file (bytes, start time).
// Invariants: the decision is made before a record is appended, from the record's formatted
// length, so a file only goes over max_bytes when one record alone is larger; each rotation closes
// the old writer (which first writes everything appended to it), then renames, and only then may
// the next writer open the path: records appended meanwhile wait in the next writer's buffer, in
// order. So every record lands in exactly one file, in the order appended.
// Failure: write errors are the FileWriter's (reported through `events`); a failed rename is
// reported through `rotateFailed` and the records then go on into the same, unrotated file.
// Nothing here throws to the caller.

import fs from 'node:fs';
import type { LogRecord } from '../../record.js';
import type { Formatter } from '../../syslog/formatter.js';
import { ByteSink } from '../../util/bytesink.js';
import { FileWriter, type WriterEvents, type WriterOptions } from '../file/writer.js';
import { rotateOut, type Naming } from './naming.js';
import { rotateBefore, timeLimit, type RotateReason, type RotationPolicy, type TimeLimit } from './policy.js';

export interface RotationEvents extends WriterEvents {
  /** `file` was moved to `to` (null: deleted, keep 0). */
  rotated(file: string, reason: RotateReason, to: string | null): void;
  rotateFailed(file: string, err: NodeJS.ErrnoException): void;
}

/** Milliseconds since the epoch; tests pass a fake one. */
export type Clock = () => number;

export class RotatingWriter {
  /** Rotations started so far. */
  rotations = 0;
  private current: FileWriter;
  /** The last rotation or reopen: the old writer's close, then the renames (never rejects). */
  private chain: Promise<void>;
  /** Bytes in the current file: its size when learnt plus what was appended since. */
  private size = 0;
  /**
   * Bytes appended since the file was last (re)opened. Until the file's size is learnt, `size`
   * keeps counting as if the file were the same one, so records appended while the reopen is
   * in flight cannot take it over its limit; the learnt size then replaces the estimate.
   */
  private sinceOpen = 0;
  private limit: TimeLimit;
  /** Bumped at each rotation, so a late stat of an older file is ignored. */
  private generation = 0;
  private readonly scratch = new ByteSink(4096);
  private readonly copyScratch: Formatter = (_rec, out) => out.bytes(this.scratch.buf, 0, this.scratch.len);

  /**
   * The size and age of a file that exists are learnt before anything is written to it (records
   * appended meanwhile are counted on top). `after`: the close of an earlier writer of the same
   * path, which must finish first.
   */
  constructor(readonly path: string, private readonly policy: RotationPolicy, private readonly naming: Naming,
    private readonly opts: WriterOptions, private readonly events: RotationEvents, private readonly clock: Clock = Date.now,
    after: Promise<void> | null = null) {
    this.limit = timeLimit(policy, clock());
    this.chain = (after ?? Promise.resolve()).then(() => this.relearn(0));
    this.current = new FileWriter(path, opts, events, this.chain);
  }

  /** Opens (creating) the file now, so a bad path fails at start. Rejects with the OS error. */
  async open(): Promise<void> {
    await this.chain;
    await this.current.prepare();
  }

  /** Formats one record, rotating first if it would not fit; returns its bytes, or -1 if the formatter threw. */
  append(rec: LogRecord, format: Formatter): number {
    const s = this.scratch;
    s.reset();
    try {
      format(rec, s);
    } catch {
      s.reset();
      return -1;
    }
    const n = s.len;
    const now = this.clock();
    const reason = rotateBefore(this.policy, this.size, this.limit, now, n);
    if (reason !== null) this.rotate(reason, now);
    // An empty file is not rotated for time: its clock starts again instead.
    else if (this.size === 0 && now >= this.limit.at) this.limit = timeLimit(this.policy, now);
    this.current.append(rec, this.copyScratch);
    this.size += n;
    this.sinceOpen += n;
    return n;
  }

  /** Starts writing what is pending. Call once per batch. */
  kick(): void {
    this.current.kick();
  }

  /** Rotates now (if the file holds anything), whatever the policy says. */
  rotateNow(reason: RotateReason = 'reopen'): Promise<void> {
    if (this.size > 0) this.rotate(reason, this.clock());
    return this.chain;
  }

  /** Resolves when every record appended so far is written (or counted lost) and renames are done. */
  async flush(): Promise<void> {
    await Promise.all([this.chain, this.current.flush()]);
  }

  /** Closes the file; the next write opens the path afresh and learns its size (logrotate's HUP). */
  reopen(): Promise<void> {
    const old = this.current;
    const gen = ++this.generation;
    this.sinceOpen = 0;
    this.chain = old.close().then(() => this.relearn(gen));
    this.current = new FileWriter(this.path, this.opts, this.events, this.chain);
    return this.chain;
  }

  /** Writes everything pending and closes. Nothing may be appended afterwards. */
  async close(): Promise<void> {
    await Promise.all([this.chain, this.current.close()]);
  }

  get idle(): boolean {
    return this.current.idle;
  }

  private rotate(reason: RotateReason, now: number): void {
    const old = this.current;
    this.generation++;
    this.rotations++;
    this.chain = old.close().then(() => this.renameOut(reason, now));
    this.current = new FileWriter(this.path, this.opts, this.events, this.chain);
    this.size = 0;
    this.sinceOpen = 0;
    this.limit = timeLimit(this.policy, now);
  }

  private async renameOut(reason: RotateReason, now: number): Promise<void> {
    try {
      const to = await rotateOut(this.path, this.naming, now);
      this.events.rotated(this.path, reason, to);
    } catch (err) {
      this.events.rotateFailed(this.path, err as NodeJS.ErrnoException);
    }
  }

  private async relearn(gen: number): Promise<void> {
    let st: fs.Stats | null = null;
    try {
      st = await fs.promises.stat(this.path);
    } catch {
      // Gone (moved away by logrotate): the next write creates it, empty and new.
    }
    this.learn(st, gen);
  }

  /** Takes what the file already holds, and dates it from its birth (or last change) when not empty. */
  private learn(st: fs.Stats | null, gen: number): void {
    if (gen !== this.generation) return;
    this.size = (st?.size ?? 0) + this.sinceOpen;
    if (st === null || st.size === 0) return;
    const born = st.birthtimeMs > 0 ? st.birthtimeMs : st.mtimeMs;
    this.limit = timeLimit(this.policy, Math.min(born, this.clock()));
  }
}
