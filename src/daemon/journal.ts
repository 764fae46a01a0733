// The daemon's side of the journal: what a record becomes on disk, and the `outputs` subscriber
// that makes an acknowledged record safe until the outputs have it. Records are appended as they
// arrive (relp acks wait for them to be durable); every 100 ms, once every output has flushed,
// the subscriber's checkpoint moves up to what had been handed over. At start, whatever lies past
// the checkpoint (received, acknowledged, not yet flushed when the daemon died) is routed again:
// a crash may repeat a few records in the outputs, never lose an acknowledged one.

import type { DurableLog, JournalFeed, Output } from '../component.js';
import type { Router } from '../engine/router.js';
import { Journal } from '../journal/index.js';
import { LogRecord, RecordFlag } from '../record.js';
import { parseRecord } from '../syslog/parse.js';
import type { InternalLog } from '../telemetry/log.js';
import { Counters } from '../telemetry/counters.js';
import { DialectRecogniser, type DialectMode } from '../dialects/recognise.js';

export const OUTPUTS_SUBSCRIBER = 'outputs';
const CHECKPOINT_MS = 100;
const REPLAY_BATCH = 5000;

/** `{"i":INPUT,"p":PEER,"t":` of the last record encoded, kept because a batch shares them. */
let headFor = { input: '', peer: '', text: '{"i":"","p":"","t":' };

/** A record on disk: a JSON line (input, peer, receive time, flags) then the frame as received. */
export function encodeRecord(rec: LogRecord): Buffer {
  if (rec.input !== headFor.input || rec.peer !== headFor.peer) {
    headFor = { input: rec.input, peer: rec.peer, text: `{"i":${JSON.stringify(rec.input)},"p":${JSON.stringify(rec.peer)},"t":` };
  }
  let head = headFor.text + String(rec.receivedAt);
  if (rec.flags & RecordFlag.NO_HOSTNAME) head += `,"h":${JSON.stringify(rec.hostname)}`;
  if (rec.flags & RecordFlag.TRUNCATED) head += ',"x":1';
  head += '}\n';
  const n = Buffer.byteLength(head);
  const out = Buffer.allocUnsafe(n + rec.raw.length);
  out.write(head, 0, 'utf8');
  rec.raw.copy(out, n);
  return out;
}

/**
 * The record again, parsed as its input parsed it: `recognise` is that input's dialect step (so
 * that rules on dialect, disposition or Axigen level decide as they did when it arrived).
 */
export function decodeRecord(payload: Buffer, fallbackHost: string, seq = 0, recognise?: (rec: LogRecord) => void): LogRecord | null {
  const nl = payload.indexOf(0x0a);
  if (nl < 0) return null;
  try {
    const h = JSON.parse(payload.toString('utf8', 0, nl)) as { i: string; p: string; t: number; h?: string; x?: number };
    const rec = new LogRecord(Buffer.from(payload.subarray(nl + 1)), h.t, h.i, h.p);
    parseRecord(rec, h.h ?? (h.p || fallbackHost));
    recognise?.(rec);
    if (h.x) rec.flags |= RecordFlag.TRUNCATED;
    rec.journalSeq = seq;
    return rec;
  } catch {
    return null;
  }
}

export class DaemonJournal implements DurableLog {
  private timer: NodeJS.Timeout | null = null;
  private committed = 0;
  private checkpointing: Promise<void> | null = null;
  private readonly appended;
  private readonly replayed;
  private readonly undecodable;
  private readonly appendWaiters: (() => void)[] = [];

  /** The dialect step of each input, by name (its own counters: the input counted the record already). */
  private readonly recognisers = new Map<string, DialectRecogniser>();
  private readonly dialectCounters = new Counters();
  private readonly appendFailed;
  private failing = false;

  private constructor(private readonly journal: Journal, private readonly outputs: readonly Output[],
    private readonly log: InternalLog, counters: Counters, private readonly dialects: ReadonlyMap<string, DialectMode>) {
    this.appendFailed = counters.get('journal', 'append_failed');
    this.appended = counters.get('journal', 'appended');
    this.replayed = counters.get('journal', 'replayed');
    this.undecodable = counters.get('journal', 'undecodable');
  }

  static open(dir: string, outputs: readonly Output[], log: InternalLog, counters: Counters,
    options: { segmentMaxBytes: number; fsyncIntervalMs: number; dialects?: ReadonlyMap<string, DialectMode> }): DaemonJournal {
    const journal = Journal.open(dir, { segmentMaxBytes: options.segmentMaxBytes, fsyncIntervalMs: options.fsyncIntervalMs });
    const r = journal.recovered;
    if (r.cutBytes > 0) log.warning(`journal ${dir}: cut ${r.cutBytes} bytes of a torn or corrupt tail`);
    for (const e of r.errors) log.error(`journal ${dir}: ${e}`);
    if (!journal.subscribers().some((s) => s.name === OUTPUTS_SUBSCRIBER)) journal.addSubscriber(OUTPUTS_SUBSCRIBER, 'end');
    const dj = new DaemonJournal(journal, outputs, log, counters, options.dialects ?? new Map());
    dj.committed = journal.subscribers().find((s) => s.name === OUTPUTS_SUBSCRIBER)!.checkpoint;
    return dj;
  }

  get durableSeq(): number {
    return this.journal.durableSeq;
  }

  get inner(): Journal {
    return this.journal;
  }

  /** The dialect step of `input` (auto for an input no longer configured). */
  private readonly recognise = (rec: LogRecord): void => {
    let r = this.recognisers.get(rec.input);
    if (!r) {
      r = new DialectRecogniser(this.dialects.get(rec.input) ?? 'auto', this.dialectCounters, 'journal');
      this.recognisers.set(rec.input, r);
    }
    r.apply(rec);
  };

  /**
   * Appends a record; 0 when the journal cannot take it (disk full, I/O error): that is counted
   * and logged, never thrown into an input's data path.
   */
  append(rec: LogRecord): number {
    let seq: number;
    try {
      seq = this.journal.append(encodeRecord(rec));
    } catch (err) {
      this.appendFailed.value++;
      if (!this.failing) {
        this.failing = true;
        this.log.error(`journal: cannot append: ${(err as Error).message}; records are routed without it (counted as journal append_failed)`);
      }
      return 0;
    }
    if (this.failing) {
      this.failing = false;
      this.log.notice('journal: appending again');
    }
    this.appended.value++;
    rec.journalSeq = seq;
    if (this.appendWaiters.length) {
      const ws = this.appendWaiters.splice(0);
      const wake = (): void => { for (const w of ws) w(); };
      this.journal.durable(seq).then(wake, wake);
    }
    return seq;
  }

  /** What the output at `index` (one that reads the journal) sees of it; see JournalFeed. */
  feedFor(index: number, router: Router, hostname: string): JournalFeed {
    const journal = this.journal;
    return {
      hostname,
      journalId: journal.id,
      attach: (name, from) => journal.addSubscriber(name, from),
      checkpoint: (name) => journal.subscribers().find((s) => s.name === name)?.checkpoint ?? 0,
      read: (name, after, max) => {
        const entries = journal.readAfter(name, after, max);
        const records: LogRecord[] = [];
        for (const e of entries) {
          const rec = decodeRecord(e.payload, hostname, e.seq, this.recognise);
          if (rec === null) {
            this.undecodable.value++;
            continue;
          }
          if (router.decide(rec).outputs.includes(index)) records.push(rec);
        }
        return { records, upTo: entries.length ? entries[entries.length - 1]!.seq : after };
      },
      commit: (name, seq) => journal.commit(name, seq),
      onDurable: (after, cb) => {
        // Durable records that a read did not return are damaged ones it skipped: try again later.
        if (journal.durableSeq > after) setTimeout(cb, 1000).unref();
        else if (journal.lastSeq > after) journal.durable(after + 1).then(cb, cb);
        else this.appendWaiters.push(cb);
      },
    };
  }

  durable(seq: number): Promise<void> {
    return this.journal.durable(seq);
  }

  /**
   * Routes again what the outputs had not flushed when the daemon last stopped, a batch at a
   * time: each batch is flushed by every output before the checkpoint passes it.
   */
  async replay(submit: (batch: LogRecord[]) => boolean, fallbackHost: string): Promise<number> {
    let n = 0;
    for (;;) {
      const entries = this.journal.read(OUTPUTS_SUBSCRIBER, REPLAY_BATCH);
      if (entries.length === 0) break;
      const batch: LogRecord[] = [];
      for (const e of entries) {
        const rec = decodeRecord(e.payload, fallbackHost, e.seq, this.recognise);
        if (rec) batch.push(rec);
        else this.undecodable.value++;
      }
      submit(batch);
      n += batch.length;
      await Promise.all(this.outputs.map((o) => o.flush()));
      const upTo = entries[entries.length - 1]!.seq;
      this.journal.commit(OUTPUTS_SUBSCRIBER, upTo);
      this.committed = upTo;
    }
    this.replayed.value += n;
    if (n) this.log.notice(`journal: ${n} acknowledged records not yet written when the daemon stopped were routed again`);
    return n;
  }

  start(): void {
    this.timer = setInterval(() => void this.checkpoint(), CHECKPOINT_MS);
    this.timer.unref();
  }

  /** Moves the outputs' checkpoint to what every output has flushed. */
  checkpoint(): Promise<void> {
    this.checkpointing ??= (async () => {
      const upTo = this.journal.lastSeq;
      if (upTo <= this.committed) return;
      await Promise.all(this.outputs.map((o) => o.flush()));
      await this.journal.durable(upTo);
      this.journal.commit(OUTPUTS_SUBSCRIBER, upTo);
      this.committed = upTo;
    })().catch((err: Error) => this.log.error(`journal checkpoint: ${err.message}`)).finally(() => { this.checkpointing = null; });
    return this.checkpointing;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.checkpointing;
    await this.checkpoint();
    await this.journal.close();
  }
}
