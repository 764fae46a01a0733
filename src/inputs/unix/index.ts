// `unix` input: a local stream socket, for programs that log with glibc's syslog() (which falls
// back to a stream socket and ends each record with NUL) or `logger -u` (LF). A local line has
// no HOSTNAME: records get the machine's name (daemon `hostname`). Frames are found as on TCP
// (NUL, LF or octet counting, per frame). Under socket activation the socket systemd passed
// under this input's name is used instead.

import { chmodSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import net from 'node:net';
import type { Input, InputContext } from '../../component.js';
import type { LogRecord } from '../../record.js';
import type { SpecValue } from '../../config/schema.js';
import { claimSocketPath } from '../../util/unixsock.js';
import { Decoder } from '../decode.js';
import { TcpConnection } from '../tcp/conn.js';
import type { unixInputSpec } from './config.js';

export type UnixInputConfig = SpecValue<typeof unixInputSpec>;

export function createUnixInput(config: UnixInputConfig, ctx: InputContext): Input {
  return config.socket_type === 'dgram' ? new UnixDgramInput(config, ctx) : new UnixInput(config, ctx);
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
      if (fd === null) await claimSocketPath(file);
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

/** What unix-dgram's socket offers (an optional native module, loaded only when asked for). */
interface DgramSocket extends EventEmitter {
  bind(path: string): void;
  close(): void;
}

function loadUnixDgram(): { createSocket(type: 'unix_dgram'): DgramSocket } {
  try {
    return createRequire(import.meta.url)('unix-dgram') as { createSocket(type: 'unix_dgram'): DgramSocket };
  } catch (err) {
    throw new Error(`socket_type = dgram needs the optional unix-dgram module, which is not built here (${(err as Error).message.split('\n')[0]})`, { cause: err });
  }
}

/** The datagram variant: one record per datagram, as /dev/log carries them. Never pauses. */
class UnixDgramInput implements Input {
  private socket: DgramSocket | null = null;
  private readonly decoder: Decoder;
  private batch: LogRecord[] = [];
  private flushScheduled = false;

  constructor(private readonly config: UnixInputConfig, private readonly ctx: InputContext) {
    this.decoder = new Decoder(ctx.id, ctx, config.dialect);
  }

  async start(): Promise<void> {
    const file = this.config.path;
    try {
      if (this.ctx.inheritedFd !== null) throw new Error('a datagram socket passed by systemd cannot be adopted; use socket_type = stream');
      const unix = loadUnixDgram();
      await claimSocketPath(file);
      const socket = unix.createSocket('unix_dgram');
      this.socket = socket;
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.once('listening', () => { socket.off('error', reject); resolve(); });
        socket.bind(file);
      });
      chmodSync(file, this.config.mode);
      socket.on('error', (err: Error) => this.ctx.log.error(`input.${this.ctx.id}: ${err.message}`));
      socket.on('message', (buf: Buffer) => this.onMessage(buf));
    } catch (err) {
      throw new Error(`input.${this.ctx.id}: cannot listen on unix datagram ${file}: ${(err as Error).message}`, { cause: err });
    }
    this.ctx.log.info(`input.${this.ctx.id}: listening on ${this.describe()}`);
  }

  private onMessage(buf: Buffer): void {
    let frame = buf;
    let cut = false;
    if (frame.length > this.config.max_message_bytes) {
      frame = frame.subarray(0, this.config.max_message_bytes);
      cut = true;
    }
    while (frame.length && (frame[frame.length - 1] === 0 || frame[frame.length - 1] === 0x0a)) frame = frame.subarray(0, frame.length - 1);
    if (frame.length === 0) return;
    this.batch.push(this.decoder.decode(frame, 'unix', this.ctx.localHostname, Date.now(), cut));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const batch = this.batch;
    this.batch = [];
    if (batch.length) this.ctx.submit(batch);
  };

  describe(): string {
    return `unix datagram ${this.config.path}`;
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.close();
      rmSync(this.config.path, { force: true });
    }
    this.flush();
    return Promise.resolve();
  }
}
