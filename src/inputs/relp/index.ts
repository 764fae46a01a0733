// `relp` input: a RELP server that rsyslog's omrelp (librelp) talks to. Each message is written
// to the daemon's journal and handed to the engine; its `200 OK` goes out only once the journal
// has it on disk (group commit), and acks leave in command order. Under overload the session
// stops reading instead of refusing: a NAKed message is dropped by omrelp for good, while an
// unacked one is resent. A protocol error or an oversize frame ends the session with
// `serverclose` (the sender keeps and resends what was not acked).

import net from 'node:net';
import { writeFile } from 'node:fs/promises';
import type { Input, InputContext, DurableLog } from '../../component.js';
import type { SpecValue } from '../../config/schema.js';
import type { LogRecord } from '../../record.js';
import { VERSION } from '../../version.js';
import { Decoder } from '../decode.js';
import type { relpInputSpec } from './config.js';
import { TlsAcceptor } from '../../util/tls.js';
import { parseOffers, RelpReader, rspFrame, SERVERCLOSE, type RelpFrame } from '../../relp/frame.js';

export type RelpInputConfig = SpecValue<typeof relpInputSpec>;

export function createRelpInput(config: RelpInputConfig, ctx: InputContext): Input {
  return new RelpInput(config, ctx);
}

/**
 * A response waiting for its turn: ready when `seq` (0: at once) is durable. `bytes` null is the
 * plain `TXNR rsp 6 200 OK` of a syslog command, made when it is sent.
 */
interface Pending {
  readonly seq: number;
  readonly txnr: number;
  readonly bytes: Buffer | null;
  readonly close: boolean;
}

class RelpSession {
  private readonly reader: RelpReader;
  private open = false;
  private readonly pending: Pending[] = [];
  /** First pending response not yet sent. */
  private head = 0;
  private finishing = false;
  private waitingFor = 0;
  private closed = false;
  private paused = false;

  constructor(private readonly socket: net.Socket, private readonly peer: string, private readonly input: RelpInput) {
    this.reader = new RelpReader(input.config.max_data_bytes);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => { this.closed = true; });
    socket.on('close', () => { this.closed = true; });
  }

  private onData(chunk: Buffer): void {
    if (this.finishing) return;
    const frames: RelpFrame[] = [];
    const err = this.reader.push(chunk, frames);
    const batch: LogRecord[] = [];
    const now = Date.now();
    for (const f of frames) {
      if (!this.command(f, batch, now)) break;
    }
    if (batch.length) {
      if (!this.input.ctx.submit(batch) && !this.paused) {
        this.paused = true;
        this.socket.pause();
        this.input.ctx.onWritable(() => {
          this.paused = false;
          if (!this.socket.destroyed) this.socket.resume();
        });
      }
    }
    if (err) this.finish(`protocol error: ${err.error}`);
    this.flush();
  }

  /** Handles one frame; false when the session is over. */
  private command(f: RelpFrame, batch: LogRecord[], now: number): boolean {
    switch (f.command) {
      case 'open': {
        if (this.open) {
          this.respond(0, f.txnr, rspFrame(f.txnr, 500, 'protocol error: connection already open'), true);
          return false;
        }
        const offers = parseOffers(f.data);
        const commands = (offers.get('commands') ?? '').split(',');
        if (!commands.includes('syslog')) {
          this.respond(0, f.txnr, rspFrame(f.txnr, 500, 'the syslog command is required'), true);
          return false;
        }
        this.open = true;
        this.respond(0, f.txnr, rspFrame(f.txnr, 200, 'OK', `relp_version=0\nrelp_software=maillogd,${VERSION}\ncommands=syslog`), false);
        return true;
      }
      case 'syslog': {
        if (!this.open) {
          this.finish('syslog before open');
          return false;
        }
        const rec = this.input.decoder.decode(f.data, this.peer, this.peer, now, false);
        const seq = this.input.journal.append(rec);
        if (seq === 0) {
          // Not durable, so not acknowledged: omrelp sends it again to the next session.
          this.abort('the journal cannot take records');
          return false;
        }
        batch.push(rec);
        this.input.received.value++;
        this.respond(seq, f.txnr, null, false);
        return true;
      }
      case 'close':
        this.respond(0, f.txnr, Buffer.concat([rspFrame(f.txnr, 200, 'OK'), SERVERCLOSE]), true);
        return false;
      case 'rsp':
        return true; // a client's answer to a hint; nothing to do
      default:
        this.finish(`unknown command ${JSON.stringify(f.command)}`);
        return false;
    }
  }

  private respond(seq: number, txnr: number, bytes: Buffer | null, close: boolean): void {
    this.pending.push({ seq, txnr, bytes, close });
    // A response that ends the session: nothing after it is read (its acks would never leave).
    if (close) {
      this.finishing = true;
      this.socket.pause();
    }
  }

  /**
   * Sends every response whose turn has come, all in one write; waits for the journal when the
   * next one needs it.
   */
  private flush(): void {
    const pending = this.pending;
    const durable = this.input.journal.durableSeq;
    let i = this.head;
    let acks = '';
    const out: Buffer[] = [];
    let end = false;
    for (; i < pending.length; i++) {
      const p = pending[i]!;
      if (p.seq > durable) {
        if (this.waitingFor < p.seq) {
          // Everything queued so far is waited for at once: one fsync answers many acks.
          const upTo = Math.max(p.seq, pending[pending.length - 1]!.seq);
          this.waitingFor = upTo;
          this.input.journal.durable(upTo).then(() => this.flush(), (err: Error) => {
            this.abort(`journal: ${err.message}`);
          });
        }
        break;
      }
      if (p.bytes === null) acks += `${p.txnr} rsp 6 200 OK\n`;
      else {
        if (acks) out.push(Buffer.from(acks, 'latin1'));
        acks = '';
        out.push(p.bytes);
      }
      if (p.close) {
        end = true;
        i++;
        break;
      }
    }
    if (acks) out.push(Buffer.from(acks, 'latin1'));
    // The queue is compacted now and then, not shifted per response.
    if (i >= pending.length) {
      pending.length = 0;
      this.head = 0;
    } else if (i > 4096 && i * 2 > pending.length) {
      pending.splice(0, i);
      this.head = 0;
    } else this.head = i;
    if (this.closed || this.socket.destroyed) return;
    if (out.length) this.socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    if (end) {
      this.socket.end();
      this.closed = true;
      pending.length = 0;
      this.head = 0;
    }
  }

  /**
   * Ends the session after a protocol error: what was taken before it is still acknowledged (once
   * durable), then `serverclose`; nothing more is read.
   */
  private finish(why: string): void {
    if (this.finishing) return;
    this.finishing = true;
    this.input.protocolErrors.value++;
    this.input.ctx.log.warning(`input.${this.input.ctx.id}: ${this.peer}: ${why}; session closed`);
    const last = this.pending.length > this.head ? this.pending[this.pending.length - 1]!.seq : 0;
    this.respond(last, 0, SERVERCLOSE, true);
    this.socket.pause();
  }

  /** Ends the session without acking what is left: omrelp resends it on its next session. */
  private abort(why: string): void {
    this.input.protocolErrors.value++;
    this.input.ctx.log.warning(`input.${this.input.ctx.id}: ${this.peer}: ${why}; session closed`);
    this.pending.length = 0;
    this.head = 0;
    if (!this.socket.destroyed) this.socket.end(SERVERCLOSE);
    this.closed = true;
  }
}

class RelpInput implements Input {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  readonly decoder: Decoder;
  readonly received;
  readonly protocolErrors;
  private readonly accepted;
  private readonly denied;
  private readonly refused;
  private bound = '';
  private tls: TlsAcceptor | null = null;

  constructor(readonly config: RelpInputConfig, readonly ctx: InputContext) {
    this.decoder = new Decoder(ctx.id, ctx, config.dialect);
    const scope = `input.${ctx.id}`;
    this.received = ctx.counters.get(scope, 'relp_messages');
    this.protocolErrors = ctx.counters.get(scope, 'closed', 'protocol_error');
    this.accepted = ctx.counters.get(scope, 'connections');
    this.denied = ctx.counters.get(scope, 'denied');
    this.refused = ctx.counters.get(scope, 'refused', 'max_connections');
  }

  get journal(): DurableLog {
    return this.ctx.journal!;
  }

  async start(): Promise<void> {
    if (!this.ctx.journal) throw new Error(`input.${this.ctx.id}: a relp input needs the daemon's journal`);
    if (this.config.tls) {
      try {
        this.tls = new TlsAcceptor(this.config, `input.${this.ctx.id}`, this.ctx.counters, this.ctx.log);
      } catch (err) {
        throw new Error(`input.${this.ctx.id}: ${(err as Error).message}`, { cause: err });
      }
    }
    const server = net.createServer({ noDelay: true }, (s) => this.onConnection(s));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      const fd = this.ctx.inheritedFd;
      server.listen(fd !== null ? { fd } : { port: this.config.port, host: this.config.address, backlog: 1024 }, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: Error) => {
      throw new Error(`input.${this.ctx.id}: cannot listen on relp ${this.config.address}:${this.config.port}: ${err.message}`, { cause: err });
    });
    server.on('error', (err) => this.ctx.log.error(`input.${this.ctx.id}: server error: ${err.message}`));
    const addr = server.address() as net.AddressInfo;
    this.bound = `relp${this.tls ? '+tls' : ''} ${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
    this.ctx.log.info(`input.${this.ctx.id}: listening on ${this.bound}`);
    if (this.config.port_file) await writeFile(this.config.port_file, `${addr.port}\n`);
  }

  private onConnection(socket: net.Socket): void {
    const ip = socket.remoteAddress ?? '';
    socket.on('error', () => { /* the peer went away; what it did not get acked it resends */ });
    if (this.sockets.size >= this.config.max_connections) {
      this.refused.value++;
      socket.destroy();
      return;
    }
    if (!this.ctx.access.decide(ip, null)) {
      this.denied.value++;
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    if (!this.tls) {
      this.accepted.value++;
      new RelpSession(socket, ip, this);
      return;
    }
    void this.tls.accept(socket, ip).then((secure) => {
      if (!secure) return;
      this.sockets.delete(socket);
      this.sockets.add(secure);
      secure.once('close', () => this.sockets.delete(secure));
      this.accepted.value++;
      new RelpSession(secure, ip, this);
    });
  }

  describe(): string {
    return this.bound || `relp ${this.config.address}:${this.config.port} (not started)`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    // Tell each client to go; what it has not had acked it sends again to the next daemon.
    for (const s of this.sockets) s.end(SERVERCLOSE);
    const deadline = setTimeout(() => { for (const s of this.sockets) s.destroy(); }, 5000);
    await closed;
    clearTimeout(deadline);
  }
}
