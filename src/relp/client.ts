// One RELP client session (librelp's protocol, as rsyslog's imrelp serves it): connect, `open`
// with relp_version=0 and commands=syslog, then `syslog` commands with at most `window` of them
// unanswered, and answers taken in order. Each message carries a tag the owner chooses; the owner
// hears of every answer in order and, when the session ends for any reason, of the tags that were
// never answered (a RELP sender resends those on the next session: at-least-once).

import net from 'node:net';
import type tls from 'node:tls';
import { RelpReader, type RelpFrame } from './frame.js';
import { ByteSink } from '../util/bytesink.js';
import { VERSION } from '../version.js';
import { tlsLib } from '../util/tls.js';

export interface RelpClientOptions {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (omrelp's tls="on"); null for plain TCP. */
  readonly tls: tls.ConnectionOptions | null;
  /** Most `syslog` commands sent and not yet answered. */
  readonly window: number;
  /** The session is given up when connecting, opening or an answer takes longer than this. */
  readonly timeoutMs: number;
}

export interface RelpClientEvents<T> {
  /** The server accepted `open`: messages may be sent. */
  opened(): void;
  /** The answer to the oldest unanswered message: `code` 200 is OK, anything else a refusal. */
  answered(tag: T, code: number, text: string): void;
  /** The session is over (`err` null after a clean close); `unanswered` in send order. */
  ended(err: Error | null, unanswered: T[]): void;
}

const LF = 0x0a;
const MAX_ANSWER = 64 * 1024;

/** `200 OK\noffers` → code and text. */
function parseAnswer(data: Buffer): { code: number; text: string; offers: string } {
  const nl = data.indexOf(LF);
  const first = data.toString('utf8', 0, nl < 0 ? data.length : nl);
  const sp = first.indexOf(' ');
  const code = Number(sp < 0 ? first : first.slice(0, sp));
  return { code: Number.isInteger(code) ? code : 0, text: sp < 0 ? '' : first.slice(sp + 1), offers: nl < 0 ? '' : data.toString('utf8', nl + 1) };
}

export class RelpSession<T> {
  private socket: net.Socket | null = null;
  private readonly reader = new RelpReader(MAX_ANSWER);
  private txnr = 0;
  private openTxnr = 0;
  private closeTxnr = 0;
  /** Unanswered messages in send order, by their txnr. */
  private readonly unanswered: { txnr: number; tag: T }[] = [];
  private state: 'new' | 'connecting' | 'opening' | 'open' | 'closing' | 'ended' = 'new';
  private timer: NodeJS.Timeout | null = null;
  private lastProgress = 0;
  private closeWaiter: (() => void) | null = null;
  /** Frames sent in this turn, written together. */
  private readonly out = new ByteSink(64 * 1024);
  private writeQueued = false;

  constructor(private readonly opts: RelpClientOptions, private readonly events: RelpClientEvents<T>) {}

  get isOpen(): boolean {
    return this.state === 'open';
  }

  get inFlight(): number {
    return this.unanswered.length;
  }

  /** Open and below the window. */
  get canSend(): boolean {
    return this.state === 'open' && this.unanswered.length < this.opts.window;
  }

  connect(): void {
    if (this.state !== 'new') throw new Error('a RELP session connects once');
    this.state = 'connecting';
    const { host, port } = this.opts;
    const socket = this.opts.tls
      ? tlsLib().connect({ ...this.opts.tls, host, port })
      : net.connect({ host, port });
    this.socket = socket;
    socket.setNoDelay(true);
    const ready = (): void => {
      this.state = 'opening';
      this.openTxnr = this.next();
      const offers = `relp_version=0\nrelp_software=maillogd,${VERSION}\ncommands=syslog`;
      socket.write(`${this.openTxnr} open ${Buffer.byteLength(offers)} ${offers}\n`);
    };
    socket.once(this.opts.tls ? 'secureConnect' : 'connect', ready);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err: Error) => this.end(err));
    socket.on('close', () => this.end(this.state === 'closing' ? null : new Error('connection closed by the server')));
    this.lastProgress = Date.now();
    this.timer = setInterval(() => this.checkTimeout(), Math.min(1000, Math.max(50, this.opts.timeoutMs / 4)));
    this.timer.unref();
  }

  /**
   * Sends one message; the caller checks canSend first. Messages sent in one turn of the event
   * loop leave in one write.
   */
  send(data: Buffer, tag: T): void {
    if (!this.canSend) throw new Error('RELP session cannot send now');
    const txnr = this.next();
    if (this.unanswered.length === 0) this.lastProgress = Date.now();
    this.unanswered.push({ txnr, tag });
    const out = this.out;
    out.latin1(`${txnr} syslog ${data.length} `);
    out.bytes(data);
    out.byte(LF);
    if (!this.writeQueued) {
      this.writeQueued = true;
      setImmediate(this.writeOut);
    }
  }

  private readonly writeOut = (): void => {
    this.writeQueued = false;
    if (this.out.len === 0 || !this.socket || this.state === 'ended') return;
    this.socket.write(this.out.take());
  };

  /**
   * Ends the session: waits up to `waitMs` for the answers still due, then sends `close` and
   * waits for its answer (or the server closing) as long again.
   */
  async close(waitMs: number): Promise<void> {
    if (this.state === 'ended' || this.state === 'new') {
      this.end(null);
      return;
    }
    const until = Date.now() + waitMs;
    while (this.state === 'open' && this.unanswered.length > 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 10));
    }
    if (this.state !== 'open') {
      this.end(null);
      return;
    }
    this.state = 'closing';
    this.lastProgress = Date.now();
    this.writeOut();
    this.closeTxnr = this.next();
    const done = new Promise<void>((resolve) => { this.closeWaiter = resolve; });
    this.socket!.write(`${this.closeTxnr} close 0\n`);
    const timeout = setTimeout(() => this.end(null), Math.max(100, waitMs));
    await done;
    clearTimeout(timeout);
  }

  /** Drops the connection at once. */
  destroy(reason: Error | null): void {
    this.end(reason);
  }

  private next(): number {
    this.txnr = this.txnr >= 999_999_999 ? 1 : this.txnr + 1;
    return this.txnr;
  }

  private onData(chunk: Buffer): void {
    const frames: RelpFrame[] = [];
    const err = this.reader.push(chunk, frames);
    for (const f of frames) {
      if (this.state === 'ended') return;
      this.onFrame(f);
    }
    if (err) this.end(new Error(`protocol error from the server: ${err.error}`));
  }

  private onFrame(f: RelpFrame): void {
    if (f.command === 'serverclose') {
      this.end(this.state === 'closing' ? null : new Error('the server closed the session (serverclose)'));
      return;
    }
    if (f.command !== 'rsp') {
      this.end(new Error(`unexpected command ${JSON.stringify(f.command)} from the server`));
      return;
    }
    const a = parseAnswer(f.data);
    if (f.txnr === this.openTxnr && this.state === 'opening') {
      if (a.code !== 200) {
        this.end(new Error(`the server refused open: ${a.code} ${a.text}`));
        return;
      }
      if (!/(^|\n)commands=([^\n]*,)?syslog(,|\n|$)/.test(a.offers)) {
        this.end(new Error('the server does not offer the syslog command'));
        return;
      }
      this.state = 'open';
      this.lastProgress = Date.now();
      this.events.opened();
      return;
    }
    if (this.closeTxnr !== 0 && f.txnr === this.closeTxnr) {
      this.closeTxnr = 0;
      this.end(null);
      return;
    }
    const head = this.unanswered[0];
    if (!head || head.txnr !== f.txnr) {
      this.end(new Error(`answer for txnr ${f.txnr}, expected ${head ? head.txnr : 'none'}`));
      return;
    }
    this.unanswered.shift();
    this.lastProgress = Date.now();
    this.events.answered(head.tag, a.code, a.text);
  }

  private checkTimeout(): void {
    const waiting = this.state === 'connecting' || this.state === 'opening' || this.state === 'closing' || this.unanswered.length > 0;
    if (waiting && Date.now() - this.lastProgress > this.opts.timeoutMs) {
      const what = this.state === 'connecting' ? 'connecting' : this.state === 'opening' ? 'waiting for the answer to open' : 'waiting for answers';
      const t = this.opts.timeoutMs;
      this.end(new Error(`timed out after ${t < 1000 ? `${t} ms` : `${Math.round(t / 1000)} s`} ${what}`));
    }
  }

  private end(err: Error | null): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.socket?.destroy();
    const left = this.unanswered.splice(0).map((u) => u.tag);
    this.events.ended(err, left);
    this.closeWaiter?.();
  }
}
