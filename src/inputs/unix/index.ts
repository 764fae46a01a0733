// `unix` input: a local stream socket, for programs that log with glibc's syslog() (which falls
// back to a stream socket and ends each record with NUL) or `logger -u` (LF). A local line has
// no HOSTNAME: records get the machine's name (daemon `hostname`). Frames are found as on TCP
// (NUL, LF or octet counting, per frame). Under socket activation the socket systemd passed
// under this input's name is used instead.

import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Input, InputContext } from '../../component.js';
import type { SpecValue } from '../../config/schema.js';
import { Decoder } from '../decode.js';
import { TcpConnection } from '../tcp/conn.js';
import type { unixInputSpec } from './config.js';

export type UnixInputConfig = SpecValue<typeof unixInputSpec>;

export function createUnixInput(config: UnixInputConfig, ctx: InputContext): Input {
  return new UnixInput(config, ctx);
}

/** True when something accepts connections on the socket at `file`. */
function answers(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(file);
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
}

class UnixInput implements Input {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly decoder: Decoder;
  private readonly accepted;
  private readonly refused;
  private ownsFile = false;

  constructor(private readonly config: UnixInputConfig, private readonly ctx: InputContext) {
    this.decoder = new Decoder(ctx.id, ctx, config.dialect);
    const scope = `input.${ctx.id}`;
    this.accepted = ctx.counters.get(scope, 'connections');
    this.refused = ctx.counters.get(scope, 'refused', 'max_connections');
  }

  async start(): Promise<void> {
    const file = this.config.path;
    const fd = this.ctx.inheritedFd;
    const server = net.createServer({ pauseOnConnect: true }, (s) => this.onConnection(s));
    this.server = server;
    try {
      if (fd === null) {
        mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
        if (await answers(file)) throw new Error('another process is listening on it');
        rmSync(file, { force: true });
      }
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        const done = () => { server.off('error', reject); resolve(); };
        if (fd !== null) server.listen({ fd }, done);
        else server.listen(file, done);
      });
      if (fd === null) {
        this.ownsFile = true;
        chmodSync(file, this.config.mode);
      }
    } catch (err) {
      throw new Error(`input.${this.ctx.id}: cannot listen on unix ${file}: ${(err as Error).message}`, { cause: err });
    }
    server.on('error', (err) => this.ctx.log.error(`input.${this.ctx.id}: server error: ${err.message}`));
    this.ctx.log.info(`input.${this.ctx.id}: listening on ${this.describe()}`);
  }

  private onConnection(socket: net.Socket): void {
    socket.on('error', () => { /* the program went away */ });
    if (this.sockets.size >= this.config.max_connections) {
      this.refused.value++;
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    this.accepted.value++;
    new TcpConnection(socket, 'unix', this.decoder, this.ctx, this.config.max_message_bytes, this.ctx.localHostname);
    socket.resume();
  }

  describe(): string {
    return `unix ${this.config.path}` + (this.ctx.inheritedFd !== null ? ` (fd ${this.ctx.inheritedFd} from systemd)` : '');
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const s of this.sockets) s.end();
    const deadline = setTimeout(() => { for (const s of this.sockets) s.destroy(); }, 5000);
    await closed;
    clearTimeout(deadline);
    if (this.ownsFile) rmSync(this.config.path, { force: true });
  }
}
