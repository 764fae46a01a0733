// `tcp` input: a listening socket and its connections. Owns the server and every accepted socket;
// close() stops accepting, ends each connection after what it already sent is submitted.

import net from 'node:net';
import { writeFile } from 'node:fs/promises';
import { reverse } from 'node:dns/promises';
import type { Input, InputContext } from '../../component.js';
import type { SpecValue } from '../../config/schema.js';
import { Decoder } from '../decode.js';
import { TcpConnection } from './conn.js';
import type { tcpInputSpec } from './config.js';
import { TlsAcceptor } from '../../util/tls.js';

export type TcpInputConfig = SpecValue<typeof tcpInputSpec>;

export function createTcpInput(config: TcpInputConfig, ctx: InputContext): Input {
  return new TcpInput(config, ctx);
}

class TcpInput implements Input {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly decoder: Decoder;
  private readonly counters;
  private bound = '';
  private tls: TlsAcceptor | null = null;

  constructor(private readonly config: TcpInputConfig, private readonly ctx: InputContext) {
    this.decoder = new Decoder(ctx.id, ctx, config.dialect);
    const scope = `input.${ctx.id}`;
    this.counters = {
      accepted: ctx.counters.get(scope, 'connections'),
      denied: ctx.counters.get(scope, 'denied'),
      refused: ctx.counters.get(scope, 'refused', 'max_connections'),
      idle: ctx.counters.get(scope, 'closed', 'idle_timeout'),
    };
  }

  async start(): Promise<void> {
    if (this.config.tls) {
      try {
        this.tls = new TlsAcceptor(this.config, `input.${this.ctx.id}`, this.ctx.counters, this.ctx.log);
      } catch (err) {
        throw new Error(`input.${this.ctx.id}: ${(err as Error).message}`, { cause: err });
      }
    }
    const server = net.createServer({ noDelay: true, pauseOnConnect: true }, (s) => void this.onConnection(s));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      const fd = this.ctx.inheritedFd;
      server.listen(fd !== null ? { fd, backlog: 1024 } : { port: this.config.port, host: this.config.address, backlog: 1024 }, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: Error) => {
      throw new Error(`input.${this.ctx.id}: cannot listen on tcp ${this.config.address}:${this.config.port}: ${err.message}`);
    });
    server.on('error', (err) => this.ctx.log.error(`input.${this.ctx.id}: server error: ${err.message}`));
    const addr = server.address() as net.AddressInfo;
    this.bound = `tcp${this.tls ? '+tls' : ''} ${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}` +
      (this.ctx.inheritedFd !== null ? ` (fd ${this.ctx.inheritedFd} from systemd)` : '');
    this.ctx.log.info(`input.${this.ctx.id}: listening on ${this.bound}`);
    if (this.config.port_file) await writeFile(this.config.port_file, `${addr.port}\n`);
  }

  private async onConnection(raw: net.Socket): Promise<void> {
    const ip = raw.remoteAddress ?? '';
    raw.on('error', () => { /* a reset by the peer ends the connection; nothing to report */ });
    if (this.sockets.size >= this.config.max_connections) {
      this.counters.refused.value++;
      raw.destroy();
      return;
    }
    this.sockets.add(raw);
    raw.once('close', () => this.sockets.delete(raw));
    let socket: net.Socket = raw;
    let host: string | null = null;
    if (this.ctx.access.usesHostnames) host = await reverse(ip).then((n) => n[0] ?? null, () => null);
    if (!this.ctx.access.decide(ip, host)) {
      this.counters.denied.value++;
      socket.destroy();
      return;
    }
    if (socket.destroyed) return;
    if (this.tls) {
      const secure = await this.tls.accept(raw, ip);
      if (!secure) return;
      this.sockets.delete(raw);
      this.sockets.add(secure);
      secure.once('close', () => this.sockets.delete(secure));
      socket = secure;
    }
    this.counters.accepted.value++;
    if (this.config.idle_timeout_secs > 0) {
      socket.setTimeout(this.config.idle_timeout_secs * 1000, () => {
        this.counters.idle.value++;
        socket.destroy();
      });
    }
    new TcpConnection(socket, ip, this.decoder, this.ctx, this.config.max_message_bytes);
    socket.resume();
  }

  describe(): string {
    return this.bound || `tcp ${this.config.address}:${this.config.port} (not started)`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    // Half-close: the peer's remaining bytes still arrive and are submitted before 'close'.
    for (const s of this.sockets) s.end();
    const deadline = setTimeout(() => { for (const s of this.sockets) s.destroy(); }, 5000);
    await closed;
    clearTimeout(deadline);
  }
}
