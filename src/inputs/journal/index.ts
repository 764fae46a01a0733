// `journal` input: follows journald through `journalctl -f -o json`, as rsyslog's imjournal and
// syslog-ng's systemd-journal() do, with no native code. The position is our own cursor file,
// written (atomically) after each batch has been handed to the outputs and at stop, so a restart
// resumes right after the last entry taken: no gap, and no replay after a clean stop (after a
// crash, at most the last batch comes again). journalctl is restarted with backoff if it exits.
// Reading pauses (journalctl blocks on its pipe) while outputs are behind.

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Input, InputContext } from '../../component.js';
import type { SpecValue } from '../../config/schema.js';
import { facilityFromName } from '../../levels/syslog.js';
import type { LogRecord } from '../../record.js';
import { Decoder } from '../decode.js';
import type { journalInputSpec } from './config.js';
import { entryFrame, type JournalEntry } from './entry.js';

export type JournalInputConfig = SpecValue<typeof journalInputSpec>;

export function createJournalInput(config: JournalInputConfig, ctx: InputContext): Input {
  return new JournalInput(config, ctx);
}

const MAX_LINE = 4 * 1024 * 1024;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

class JournalInput implements Input {
  private child: ChildProcessByStdio<null, Readable, Readable> | null = null;
  private readonly decoder: Decoder;
  private readonly cursorFile: string;
  private cursor = '';
  private savedCursor = '';
  private rest = '';
  private stopped = false;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private exited: Promise<void> = Promise.resolve();
  private readonly badLines;
  private readonly restarts;

  constructor(private readonly config: JournalInputConfig, private readonly ctx: InputContext) {
    this.decoder = new Decoder(ctx.id, ctx, config.dialect);
    this.cursorFile = path.resolve(ctx.stateDir, config.cursor_file || `journal.${ctx.id}.cursor`);
    const scope = `input.${ctx.id}`;
    this.badLines = ctx.counters.get(scope, 'parse_errors', 'journal_json');
    this.restarts = ctx.counters.get(scope, 'restarts');
  }

  /** journalctl's arguments: where to start, where to read, which entries. */
  args(): string[] {
    const a = ['-f', '-o', 'json', '--no-pager', '--no-tail', '--all'];
    if (this.cursor) a.push(`--after-cursor=${this.cursor}`);
    else if (this.config.start_at === 'end') a.push('--lines=0');
    if (this.config.directory) a.push(`--directory=${this.config.directory}`);
    for (const f of this.config.files) a.push(`--file=${f}`);
    for (const f of this.config.facilities) a.push(`SYSLOG_FACILITY=${/^\d+$/.test(f) ? Number(f) : facilityFromName(f)!}`);
    for (const id of this.config.identifiers) a.push(`SYSLOG_IDENTIFIER=${id}`);
    return a;
  }

  async start(): Promise<void> {
    mkdirSync(path.dirname(this.cursorFile), { recursive: true });
    try {
      this.cursor = readFileSync(this.cursorFile, 'utf8').trim();
    } catch { /* first start */ }
    this.savedCursor = this.cursor;
    await this.spawn();
    this.ctx.log.info(`input.${this.ctx.id}: following ${this.describe()}${this.cursor ? ' after the saved cursor' : ` from the ${this.config.start_at}`}`);
  }

  private spawn(): Promise<void> {
    const child = spawn(this.config.journalctl, this.args(), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => { if (err.length < 4096) err += d; });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onData(chunk));
    this.exited = new Promise<void>((resolve) => {
      child.once('close', (code, signal) => {
        this.child = null;
        this.flushCursor();
        resolve();
        if (this.stopped) return;
        this.restarts.value++;
        this.ctx.log.error(`input.${this.ctx.id}: ${this.config.journalctl} exited (${signal ?? code})${err ? `: ${err.trim().split('\n').slice(-3).join(' / ')}` : ''}; ` +
          `restarting in ${this.retryMs} ms`);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          void this.spawn();
        }, this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
      });
    });
    return new Promise((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (e) => {
        if (this.stopped) return resolve();
        reject(new Error(`input.${this.ctx.id}: cannot run ${this.config.journalctl}: ${e.message}`, { cause: e }));
      });
    });
  }

  private onData(chunk: string): void {
    const text = this.rest + chunk;
    const batch: LogRecord[] = [];
    let from = 0;
    const now = Date.now();
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl < 0) break;
      const line = text.slice(from, nl);
      from = nl + 1;
      if (line === '') continue;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        this.badLines.value++;
        continue;
      }
      const f = entryFrame(entry, this.ctx.localHostname);
      if (f === null) {
        this.badLines.value++;
        continue;
      }
      batch.push(this.decoder.decode(f.frame, '', this.ctx.localHostname, now, false));
      this.cursor = f.cursor;
    }
    this.rest = text.slice(from);
    if (this.rest.length > MAX_LINE) {
      this.badLines.value++;
      this.rest = '';
    }
    if (batch.length === 0) return;
    this.retryMs = RETRY_MIN_MS;
    const more = this.ctx.submit(batch);
    this.flushCursor();
    if (!more && this.child) {
      const out = this.child.stdout;
      out.pause();
      this.ctx.onWritable(() => out.resume());
    }
  }

  /** Writes the cursor of the last entry handed over (new file + rename: never half a cursor). */
  private flushCursor(): void {
    if (this.cursor === this.savedCursor) return;
    try {
      writeFileSync(this.cursorFile + '.new', this.cursor + '\n');
      renameSync(this.cursorFile + '.new', this.cursorFile);
      this.savedCursor = this.cursor;
    } catch (err) {
      this.ctx.log.error(`input.${this.ctx.id}: cannot save the cursor to ${this.cursorFile}: ${(err as Error).message}`);
    }
  }

  describe(): string {
    const from = this.config.files.length ? this.config.files.join(', ') : this.config.directory || 'the system journal';
    return `journal ${from}`;
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const child = this.child;
    if (child) {
      child.stdout.resume();
      child.kill('SIGTERM');
      await this.exited;
    }
    this.flushCursor();
  }
}
