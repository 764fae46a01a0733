// `forward` output: sends the records the rules give it to a cluster aggregator over RELP. It
// never queues records itself: the daemon's journal holds them, and this output reads it as a
// subscriber of its own (one per aggregator, so two aggregators get two full copies and one being
// down delays only its own copy). write() only says that there is something new.
// Order and delivery: records go out in journal order; the checkpoint follows the acknowledgements
// every commit_interval_ms; after a broken connection what was not acknowledged is sent again,
// after a restart everything past the checkpoint. The aggregator drops what it already has by
// (node, log, seq), so a resend never duplicates a line there.

import type { JournalFeed, Output, OutputContext } from '../../component.js';
import type { ConnectionOptions } from 'node:tls';
import { RelpSession } from '../../relp/client.js';
import { clientOptions } from '../../util/tls.js';
import type { LogRecord } from '../../record.js';
import type { Counter } from '../../telemetry/counters.js';
import type { ForwardOutputConfig } from './config.js';
import { encodeForward, type Origin } from './envelope.js';

export { forwardOutputSpec, type ForwardOutputConfig } from './config.js';

/** Journal entries looked at per read, and per turn of the event loop. */
const READ_BATCH = 512;
const TURN_ENTRIES = 8192;
const CLOSE_WAIT_MS = 2000;

/** A message in flight: its seq, and the last seq it covers (entries skipped after it). */
interface Sent {
  readonly seq: number;
  cover: number;
}

export function createForwardOutput(config: ForwardOutputConfig, ctx: OutputContext): Output {
  return new ForwardOutput(config, ctx);
}

export class ForwardOutput implements Output {
  private readonly scope: string;
  private readonly subscriber: string;
  private feed: JournalFeed | null = null;
  private origin: Origin | null = null;
  private session: RelpSession<Sent> | null = null;
  private inFlight: Sent[] = [];
  /** Every entry up to here was sent (or is not for this output). */
  private sentUpTo = 0;
  /** Every entry up to here was acknowledged (or is not for this output). */
  private ackedUpTo = 0;
  private committed = 0;
  private state: 'new' | 'open' | 'closing' | 'closed' = 'new';
  private pumpQueued = false;
  private waitingForJournal = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private commitTimer: NodeJS.Timeout | null = null;
  private delayMs: number;
  /** Connection attempts that failed since the last one that worked. */
  private failures = 0;
  private sessionOpened = false;
  private refusedLoggedAt = -Infinity;
  private lastError = '';
  private closing: Promise<void> | null = null;
  private readonly c: Record<'sent' | 'acked' | 'resent' | 'refused' | 'connects' | 'connect_failed', Counter>;

  constructor(private readonly config: ForwardOutputConfig, private readonly ctx: OutputContext) {
    this.scope = `output.${ctx.id}`;
    this.subscriber = config.subscriber || ctx.id;
    this.delayMs = config.reconnect_min_ms;
    const get = (name: string): Counter => ctx.counters.get(this.scope, name);
    this.c = {
      sent: get('sent'), acked: get('acked'), resent: get('resent'), refused: get('refused'),
      connects: get('connects'), connect_failed: get('connect_failed'),
    };
  }

  async open(): Promise<void> {
    if (this.state !== 'new') return;
    const feed = this.ctx.journal;
    if (!feed) throw new Error(`${this.scope}: a forward output needs the daemon's journal`);
    try {
      feed.attach(this.subscriber, this.config.start);
    } catch (err) {
      throw new Error(`${this.scope}: journal subscriber ${this.subscriber}: ${(err as Error).message}`, { cause: err });
    }
    this.feed = feed;
    this.origin = { node: this.config.node || feed.hostname, subcluster: this.config.subcluster, log: this.config.log, journal: feed.journalId };
    this.sentUpTo = this.ackedUpTo = this.committed = feed.checkpoint(this.subscriber);
    this.state = 'open';
    this.commitTimer = setInterval(() => this.commit(), this.config.commit_interval_ms);
    this.commitTimer.unref();
    this.connect();
    await Promise.resolve();
  }

  write(_batch: readonly LogRecord[]): void {
    this.schedulePump();
  }

  get busy(): boolean {
    return false;
  }

  onDrain(cb: () => void): void {
    queueMicrotask(cb);
  }

  /** The journal already holds every record written here. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  reopen(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closing ??= this.closeAll();
    return this.closing;
  }

  private async closeAll(): Promise<void> {
    const wasOpen = this.state === 'open';
    this.state = 'closing';
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.commitTimer) clearInterval(this.commitTimer);
    await this.session?.close(CLOSE_WAIT_MS);
    if (wasOpen) this.commit();
    this.state = 'closed';
  }

  private connect(): void {
    if (this.state !== 'open') return;
    this.sessionOpened = false;
    let tls: ConnectionOptions | null = null;
    if (this.config.tls) {
      try {
        tls = clientOptions(this.config, this.config.host);
      } catch (err) {
        this.ended(err as Error, []);
        return;
      }
    }
    const session: RelpSession<Sent> = new RelpSession<Sent>({
      host: this.config.host, port: this.config.port, tls, window: this.config.window,
      timeoutMs: this.config.timeout_secs * 1000,
    }, {
      opened: () => this.opened(),
      answered: (sent, code, text) => this.answered(sent, code, text),
      ended: (err, unanswered) => { if (this.session === session) this.ended(err, unanswered); },
    });
    this.session = session;
    try {
      session.connect();
    } catch (err) {
      // tls.connect throws at once on a certificate or key it cannot use.
      session.destroy(err as Error);
    }
  }

  private opened(): void {
    this.sessionOpened = true;
    this.c.connects.value++;
    if (this.failures > 0 || this.lastError) {
      this.ctx.log.notice(`${this.scope}: connected to ${this.target()} again` +
        (this.failures > 0 ? ` after ${this.failures} failed attempt(s)` : ''));
    }
    this.failures = 0;
    this.lastError = '';
    this.delayMs = this.config.reconnect_min_ms;
    this.schedulePump();
  }

  private answered(sent: Sent, code: number, text: string): void {
    if (this.inFlight[0] === sent) this.inFlight.shift();
    if (code === 200) this.c.acked.value++;
    else {
      // The aggregator refused this one for good (a RELP sender never resends a refused message).
      this.c.refused.value++;
      const now = Date.now();
      if (now - this.refusedLoggedAt >= 60_000) {
        this.refusedLoggedAt = now;
        this.ctx.log.error(`${this.scope}: ${this.target()} refused record ${sent.seq}: ${code} ${text} (counted as refused; logged at most once a minute)`);
      }
    }
    if (sent.cover > this.ackedUpTo) this.ackedUpTo = sent.cover;
    this.schedulePump();
  }

  private ended(err: Error | null, unanswered: Sent[]): void {
    this.session = null;
    this.inFlight = [];
    this.c.resent.value += unanswered.length;
    // What was not acknowledged is read and sent again on the next connection.
    this.sentUpTo = this.ackedUpTo;
    if (this.state !== 'open') return;
    const msg = err ? err.message : 'session closed';
    if (!this.sessionOpened) {
      this.c.connect_failed.value++;
      this.failures++;
    }
    if (msg !== this.lastError) {
      this.ctx.log.warning(`${this.scope}: ${this.target()}: ${msg}` +
        (unanswered.length ? `; ${unanswered.length} unacknowledged record(s) will be sent again` : '') +
        `; connecting again in ${(this.delayMs / 1000).toFixed(1)} s (backing off up to ${this.config.reconnect_max_secs} s)`);
      this.lastError = msg;
    }
    const wait = this.delayMs * (0.8 + Math.random() * 0.4);
    this.delayMs = Math.min(this.delayMs * 2, this.config.reconnect_max_secs * 1000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, wait);
  }

  private schedulePump(delayMs = 0): void {
    if (this.pumpQueued || this.state !== 'open') return;
    this.pumpQueued = true;
    const run = (): void => {
      this.pumpQueued = false;
      try {
        this.pump();
      } catch (err) {
        // The journal could not be read: tried again in a while, never thrown out of a timer.
        this.ctx.log.error(`${this.scope}: cannot read the journal: ${(err as Error).message}; trying again in 1 s`);
        this.schedulePump(1000);
      }
    };
    if (delayMs > 0) setTimeout(run, delayMs).unref();
    else setImmediate(run);
  }

  /** Sends what the journal has past sentUpTo, as far as the window allows. */
  private pump(): void {
    const session = this.session;
    const feed = this.feed!;
    if (this.state !== 'open' || !session || !session.isOpen) return;
    let looked = 0;
    while (session.canSend) {
      if (looked >= TURN_ENTRIES) {
        this.schedulePump();
        return;
      }
      const room = this.config.window - session.inFlight;
      const { records, upTo } = feed.read(this.subscriber, this.sentUpTo, Math.min(READ_BATCH, Math.max(room, 64)));
      if (upTo <= this.sentUpTo) {
        if (!this.waitingForJournal) {
          this.waitingForJournal = true;
          feed.onDurable(this.sentUpTo, () => {
            this.waitingForJournal = false;
            this.schedulePump();
          });
        }
        return;
      }
      looked += upTo - this.sentUpTo;
      let last: Sent | null = null;
      for (const rec of records) {
        // A read may return more than the window has room for: the rest is read again later.
        if (!session.canSend) {
          this.sentUpTo = last ? last.cover : this.sentUpTo;
          return;
        }
        last = { seq: rec.journalSeq, cover: rec.journalSeq };
        this.inFlight.push(last);
        session.send(encodeForward(rec, this.origin!), last);
        this.c.sent.value++;
      }
      // Entries after the last record sent are not for this output: they are done when it is.
      const tail = last ?? this.inFlight[this.inFlight.length - 1];
      if (tail) tail.cover = upTo;
      else this.ackedUpTo = upTo;
      this.sentUpTo = upTo;
    }
  }

  /** Moves the subscriber's checkpoint up to what the aggregator acknowledged. */
  private commit(): void {
    if (this.ackedUpTo <= this.committed || !this.feed) return;
    try {
      this.feed.commit(this.subscriber, this.ackedUpTo);
      this.committed = this.ackedUpTo;
    } catch (err) {
      this.ctx.log.error(`${this.scope}: cannot move journal checkpoint of ${this.subscriber}: ${(err as Error).message}`);
    }
  }

  private target(): string {
    return `relp${this.config.tls ? '+tls' : ''} ${this.config.host.includes(':') ? `[${this.config.host}]` : this.config.host}:${this.config.port}`;
  }
}
