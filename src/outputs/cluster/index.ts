// `cluster` output: the aggregator's side of cluster logging. Records that nodes' forward outputs
// sent (each carrying node, subcluster, log and the node's journal seq) are written to
// ROOT/%Y/%m/%d/<log>/<subcluster>/<node>, the layout of Momentum's aggregator, in the line format
// chosen. A record whose (node, subcluster, log) has already been written up to its seq is a resend
// (after a reconnect, a node restart or this daemon's own journal replay) and is dropped, counted
// as `duplicate`. See state.ts for how that stays exact across a crash.
// Owns: one file handle per open file (LRU, idle close), the formatted bytes not yet written, the
// state file. One round runs at a time: write every pending file; a commit (on flush, which the
// daemon's journal checkpoint calls, and every COMMIT_MS) syncs them and then saves the state.

import fs from 'node:fs';
import path from 'node:path';
import type { Output, OutputContext } from '../../component.js';
import type { LogRecord } from '../../record.js';
import { FORMATTERS } from '../../syslog/format.js';
import type { Formatter } from '../../syslog/formatter.js';
import type { Counter } from '../../telemetry/counters.js';
import { ByteSink } from '../../util/bytesink.js';
import { makeDirs } from '../../util/dirs.js';
import { decodeForward } from '../forward/envelope.js';
import { checkClusterOutput, type ClusterOutputConfig } from './config.js';
import { ClusterPaths } from './path.js';
import { ClusterState, originKey, syncDir } from './state.js';

export { clusterOutputSpec, checkClusterOutput, type ClusterOutputConfig } from './config.js';

/** Written lines are committed (synced, lengths and seqs saved) at least this often. */
const COMMIT_MS = 200;

interface OpenFile {
  readonly fh: fs.promises.FileHandle;
  lastUsed: number;
}

interface Pending {
  sink: ByteSink;
  records: number;
}

export function createClusterOutput(config: ClusterOutputConfig, ctx: OutputContext): Output {
  return new ClusterOutput(config, ctx);
}

export class ClusterOutput implements Output {
  private readonly scope: string;
  private readonly paths: ClusterPaths;
  private readonly format: Formatter;
  private readonly state: ClusterState;
  /** The last seq accepted per origin: written, or waiting to be. */
  private readonly accepted = new Map<string, number>();
  private pending = new Map<string, Pending>();
  private pendingBytes = 0;
  private readonly files = new Map<string, OpenFile>();
  private running: Promise<void> | null = null;
  /** Rounds started and finished (see run). */
  private rounds = 0;
  private done = 0;
  private stateDirty = false;
  /** Length of each open file as written (committed lengths are in the state). */
  private readonly sizes = new Map<string, number>();
  /** Files written since the last commit. */
  private readonly dirty = new Set<string>();
  /** The last seqs of what has been written (committed with the files). */
  private seenWritten: Map<string, number> | null = null;
  /** The last round whose commit failed. */
  private failedRound = 0;
  /** Rounds up to this one commit what they wrote (flush asks for it). */
  private commitUpTo = 0;
  private lastCommit = 0;
  private commitTimer: NodeJS.Timeout | null = null;
  private drainWaiters: (() => void)[] = [];
  private sweepTimer: NodeJS.Timeout | null = null;
  private status: 'new' | 'open' | 'closing' | 'closed' = 'new';
  private closing: Promise<void> | null = null;
  private errorLoggedAt = -Infinity;
  private readonly c: Record<'written' | 'bytes' | 'duplicate' | 'plain' | 'discarded_plain' | 'discarded_path' | 'discarded_write' | 'discarded_closed' | 'discarded_origins', Counter>;

  constructor(private readonly config: ClusterOutputConfig, private readonly ctx: OutputContext) {
    this.scope = `output.${ctx.id}`;
    this.paths = new ClusterPaths(config.path, ctx.logRoot);
    this.format = FORMATTERS[config.format];
    this.state = new ClusterState(path.join(ctx.stateDir, `cluster-${ctx.id}.json`));
    const get = (name: string, reason?: string): Counter => ctx.counters.get(this.scope, name, reason);
    this.c = {
      written: get('written'), bytes: get('bytes'), duplicate: get('duplicate'), plain: get('plain'),
      discarded_plain: get('discarded', 'plain'), discarded_path: get('discarded', 'path_outside_root'),
      discarded_write: get('discarded', 'write_failed'), discarded_closed: get('discarded', 'closed'),
      discarded_origins: get('discarded', 'max_origins'),
    };
  }

  async open(): Promise<void> {
    if (this.status !== 'new') return;
    const problem = checkClusterOutput(this.config, this.ctx.logRoot)[0];
    if (problem) throw new Error(`${this.scope}: ${problem[0]}: ${problem[1]}`);
    await fs.promises.mkdir(this.ctx.stateDir, { recursive: true });
    try {
      this.state.load();
    } catch (err) {
      throw new Error(`${this.scope}: cannot read ${this.state.file}: ${(err as Error).message}`, { cause: err });
    }
    for (const { file, bytes } of this.state.repair()) {
      this.ctx.log.notice(`${this.scope}: cut ${bytes} bytes from the end of ${file}: lines written before a crash ` +
        'and not yet recorded; their records come again and are written once');
    }
    for (const [k, v] of this.state.seen) this.accepted.set(k, v);
    await this.state.save();
    this.status = 'open';
    this.commitTimer = setInterval(() => this.kick(), COMMIT_MS);
    this.commitTimer.unref();
    const idleMs = this.config.idle_close_secs * 1000;
    if (idleMs > 0) {
      this.sweepTimer = setInterval(() => this.kick(), Math.max(1000, idleMs / 2));
      this.sweepTimer.unref();
    }
  }

  write(batch: readonly LogRecord[]): void {
    if (this.status !== 'open') {
      this.c.discarded_closed.value += batch.length;
      return;
    }
    for (const outer of batch) {
      const fwd = decodeForward(outer);
      let rec: LogRecord;
      let file: string | null;
      if (fwd) {
        const key = originKey(fwd.node, fwd.subcluster, fwd.log, fwd.journal);
        const known = this.accepted.get(key);
        if (known === undefined && this.accepted.size >= this.config.max_origins) {
          this.c.discarded_origins.value++;
          this.reportError('too many node/subcluster/log origins', new Error(`more than max_origins = ${this.config.max_origins}; records of new ones are discarded`));
          continue;
        }
        const last = known ?? 0;
        if (fwd.seq <= last) {
          this.c.duplicate.value++;
          continue;
        }
        this.accepted.set(key, fwd.seq);
        rec = fwd.record;
        file = this.paths.resolve({ node: fwd.node, subcluster: fwd.subcluster, log: fwd.log, host: rec.hostname, time: rec.time });
      } else {
        if (this.config.plain_log === '') {
          this.c.discarded_plain.value++;
          continue;
        }
        this.c.plain.value++;
        rec = outer;
        file = this.paths.resolve({ node: rec.hostname, subcluster: 'default', log: this.config.plain_log, host: rec.hostname, time: rec.time });
      }
      if (file === null) {
        this.c.discarded_path.value++;
        continue;
      }
      let p = this.pending.get(file);
      if (!p) {
        p = { sink: new ByteSink(4096), records: 0 };
        this.pending.set(file, p);
      }
      const before = p.sink.len;
      this.format(rec, p.sink);
      p.records++;
      this.pendingBytes += p.sink.len - before;
    }
    this.kick();
  }

  get busy(): boolean {
    return this.pendingBytes >= this.config.queue_max_bytes;
  }

  onDrain(cb: () => void): void {
    if (this.busy) this.drainWaiters.push(cb);
    else queueMicrotask(cb);
  }

  /** Resolves when everything written so far is in the files and recorded in the state. */
  async flush(): Promise<void> {
    if (this.pending.size === 0 && this.dirty.size === 0 && !this.running) return;
    // A round that starts after this call writes what is pending now and commits it.
    const target = this.rounds + 1;
    this.commitUpTo = Math.max(this.commitUpTo, target);
    while (this.done < target) {
      this.kick();
      if (!this.running) break; // nothing left to write or commit
      await this.running;
    }
    if (this.failedRound >= target) throw new Error(`${this.scope}: what was written could not be committed (see the errors above)`);
  }

  /** Closes every file (logrotate may have moved them); the next record opens its path again. */
  async reopen(): Promise<void> {
    await this.flush();
    await this.exclusive(async () => {
      await this.closeFiles([...this.files.keys()]);
      // A file moved away or cut by logrotate is no longer ours to repair.
      for (const [file, len] of [...this.state.files]) {
        const size = await fs.promises.stat(file).then((st) => st.size, () => -1);
        if (size !== len) this.state.files.delete(file);
      }
      this.sizes.clear();
      await this.saveState();
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.status === 'open') {
        this.status = 'closing';
        if (this.sweepTimer) clearInterval(this.sweepTimer);
        if (this.commitTimer) clearInterval(this.commitTimer);
        await this.flush().catch((err: Error) => this.ctx.log.error(`${this.scope}: ${err.message}`));
        await this.exclusive(async () => {
          await this.closeFiles([...this.files.keys()]);
          await this.saveState();
        });
      }
      this.status = 'closed';
    })();
    return this.closing;
  }

  /** Runs `fn` with no round running and none starting until it is done. */
  private async exclusive(fn: () => Promise<void>): Promise<void> {
    while (this.running) await this.running;
    const p = fn();
    this.running = p.catch(() => undefined).finally(() => {
      this.running = null;
      if (this.pending.size > 0) this.kick();
    });
    await p;
  }

  private kick(): void {
    if (this.running) return;
    const commitDue = this.dirty.size > 0 && (this.rounds < this.commitUpTo || Date.now() - this.lastCommit >= COMMIT_MS);
    if (this.pending.size === 0 && !commitDue && !this.stateDirty && !this.hasIdle()) return;
    const round = ++this.rounds;
    this.running = this.run(round).catch((err: Error) => {
      this.failedRound = round;
      this.reportError('round failed', err);
    }).finally(() => {
      this.running = null;
      this.done = round;
      if (this.pending.size > 0) this.kick();
    });
  }

  private hasIdle(): boolean {
    if (this.config.idle_close_secs === 0) return false;
    const before = Date.now() - this.config.idle_close_secs * 1000;
    for (const f of this.files.values()) if (f.lastUsed < before) return true;
    return false;
  }

  /**
   * One round: every pending file written; then, when asked (flush) or every COMMIT_MS, the
   * files written since the last commit are synced and their lengths and the last seqs saved.
   */
  private async run(round: number): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    const seen = new Map(this.accepted);
    const now = Date.now();
    // At most max_open_files files at a time, each kept open until its part is written.
    const entries = [...batch];
    for (let at = 0; at < entries.length; at += this.config.max_open_files) {
      const part = entries.slice(at, at + this.config.max_open_files);
      try {
        await this.writeFiles(part, now);
      } catch (err) {
        for (const [, p] of entries.slice(at)) {
          if (p.sink.len === 0) continue;
          this.lost(p.records);
          this.pendingBytes -= p.sink.len;
          p.sink.reset();
        }
        throw err;
      }
    }
    this.seenWritten = seen;
    if (this.dirty.size > 0 && (round <= this.commitUpTo || now - this.lastCommit >= COMMIT_MS)) await this.commit();
    await this.closeIdle(now);
    if (this.stateDirty) await this.saveState();
    if (!this.busy && this.drainWaiters.length) for (const w of this.drainWaiters.splice(0)) w();
  }

  /**
   * Syncs the files written since the last commit, then records their lengths and the last seqs.
   * Throws when a sync or the save fails (the files stay to be committed by a later round).
   */
  private async commit(): Promise<void> {
    const files = [...this.dirty];
    if (this.config.fsync) {
      await Promise.all(files.map(async (file) => {
        const f = this.files.get(file);
        if (f) await f.fh.datasync();
      }));
    }
    const before = new Map(this.state.files);
    for (const file of files) {
      const size = this.sizes.get(file);
      if (size === undefined) this.state.files.delete(file);
      else this.state.files.set(file, size);
    }
    const seenBefore = new Map(this.state.seen);
    if (this.seenWritten) for (const [k, v] of this.seenWritten) this.state.seen.set(k, v);
    try {
      await this.state.save();
    } catch (err) {
      this.state.files.clear();
      for (const [k, v] of before) this.state.files.set(k, v);
      this.state.seen.clear();
      for (const [k, v] of seenBefore) this.state.seen.set(k, v);
      throw new Error(`cannot save ${this.state.file}: ${(err as Error).message}`, { cause: err });
    }
    for (const file of files) this.dirty.delete(file);
    this.stateDirty = false;
    this.lastCommit = Date.now();
  }

  private async writeFiles(part: [string, Pending][], now: number): Promise<void> {
    const pinned = new Set(part.map(([file]) => file));
    const handles = new Map<string, OpenFile | null>();
    let newFiles = false;
    for (const [file] of part) {
      const f = await this.fileFor(file, now, pinned);
      handles.set(file, f);
      if (f && !this.sizes.has(file)) {
        const size = (await f.fh.stat()).size;
        this.sizes.set(file, size);
        if (this.state.files.get(file) !== size) {
          this.state.files.set(file, size);
          newFiles = true;
        }
      }
    }
    // A new file's starting length is recorded before anything is written to it.
    if (newFiles) await this.state.save();
    await Promise.all(part.map(async ([file, p]) => {
      const f = handles.get(file);
      const bytes = p.sink.len;
      if (!f) {
        this.lost(p.records);
        this.pendingBytes -= bytes;
        p.sink.reset();
        return;
      }
      try {
        const buf = p.sink.view();
        for (let off = 0; off < buf.length;) off += (await f.fh.write(buf, off, buf.length - off)).bytesWritten;
        this.sizes.set(file, this.sizes.get(file)! + buf.length);
        this.c.written.value += p.records;
        this.c.bytes.value += buf.length;
      } catch (err) {
        this.reportError(`cannot write ${file}`, err as Error);
        this.lost(p.records);
        await this.closeFiles([file]);
        // What reached the file is the file's; its length is taken as it is now.
        const size = await fs.promises.stat(file).then((st) => st.size, () => -1);
        if (size >= 0) this.sizes.set(file, size);
        else this.sizes.delete(file);
      } finally {
        this.dirty.add(file);
        this.pendingBytes -= bytes;
        p.sink.reset();
      }
    }));
  }

  private async saveState(): Promise<void> {
    try {
      await this.state.save();
      this.stateDirty = false;
    } catch (err) {
      this.stateDirty = true;
      this.reportError(`cannot save ${this.state.file}`, err as Error);
    }
  }

  private async fileFor(file: string, now: number, pinned: ReadonlySet<string>): Promise<OpenFile | null> {
    const open = this.files.get(file);
    if (open) {
      this.files.delete(file);
      this.files.set(file, open);
      open.lastUsed = now;
      return open;
    }
    if (this.files.size >= this.config.max_open_files) {
      // The least recently used file that this part of the round does not write.
      for (const name of this.files.keys()) {
        if (pinned.has(name)) continue;
        await this.closeFiles([name]);
        break;
      }
    }
    try {
      await makeDirs(path.dirname(file), this.config.dir_mode);
      const fh = await fs.promises.open(file, 'a', this.config.file_mode);
      const st = await fh.stat();
      if (st.size === 0) {
        if ((st.mode & 0o7777) !== this.config.file_mode) await fh.chmod(this.config.file_mode);
        // A new file's name is made durable before its length is recorded as committed.
        if (this.config.fsync) await syncDir(path.dirname(file));
      }
      const f = { fh, lastUsed: now };
      this.files.set(file, f);
      return f;
    } catch (err) {
      this.reportError(`cannot open ${file}`, err as Error);
      return null;
    }
  }

  private async closeIdle(now: number): Promise<void> {
    if (this.config.idle_close_secs === 0) return;
    const before = now - this.config.idle_close_secs * 1000;
    const idle: string[] = [];
    for (const [file, f] of this.files) if (f.lastUsed < before && !this.dirty.has(file)) idle.push(file);
    if (idle.length === 0) return;
    await this.closeFiles(idle);
    // A closed file holds exactly its committed length: nothing to repair there after a crash.
    for (const file of idle) {
      this.state.files.delete(file);
      this.sizes.delete(file);
    }
    this.stateDirty = true;
  }

  private async closeFiles(files: string[]): Promise<void> {
    await Promise.all(files.map(async (file) => {
      const f = this.files.get(file);
      this.files.delete(file);
      if (!f) return;
      // Lines not yet committed are synced now: the commit cannot reach a closed file.
      if (this.config.fsync && this.dirty.has(file)) await f.fh.datasync().catch((err: Error) => this.reportError(`cannot sync ${file}`, err));
      await f.fh.close().catch(() => undefined);
    }));
  }

  private lost(records: number): void {
    this.c.discarded_write.value += records;
  }

  private reportError(what: string, err: Error): void {
    this.ctx.counters.get(this.scope, 'errors', (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN').value++;
    const now = Date.now();
    if (now - this.errorLoggedAt < 60_000) return;
    this.errorLoggedAt = now;
    this.ctx.log.error(`${this.scope}: ${what}: ${err.message}`);
  }
}
