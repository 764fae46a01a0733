// `udp` input: one message per datagram. Owns one dgram socket. UDP cannot wait, so this input
// never pauses: when outputs are behind it keeps submitting and outputs decide (block or drop).
// Datagrams that arrive in one event-loop turn are submitted as one batch.

import dgram from 'node:dgram';
import net from 'node:net';
import { writeFile } from 'node:fs/promises';
import type { Input, InputContext } from '../../component.js';
import type { SpecValue } from '../../config/schema.js';
import type { LogRecord } from '../../record.js';
import { Decoder } from '../decode.js';
import type { udpInputSpec } from './config.js';

export type UdpInputConfig = SpecValue<typeof udpInputSpec>;

export function createUdpInput(config: UdpInputConfig, ctx: InputContext): Input {
  return new UdpInput(config, ctx);
}

class UdpInput implements Input {
  private socket: dgram.Socket | null = null;
  private batch: LogRecord[] = [];
  private flushScheduled = false;
  private readonly decoder: Decoder;
  private readonly denied;
  private readonly empty;
  private bound = '';

  constructor(private readonly config: UdpInputConfig, private readonly ctx: InputContext) {
    this.decoder = new Decoder(ctx.id, ctx, config.dialect);
    this.denied = ctx.counters.get(`input.${ctx.id}`, 'denied');
    this.empty = ctx.counters.get(`input.${ctx.id}`, 'discarded', 'empty');
  }

  async start(): Promise<void> {
    const family = net.isIPv6(this.config.address) ? 'udp6' : 'udp4';
    const socket = dgram.createSocket({ type: family, reuseAddr: false });
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      const done = () => {
        socket.off('error', reject);
        resolve();
      };
      const fd = this.ctx.inheritedFd;
      if (fd !== null) socket.bind({ fd }, done);
      else socket.bind(this.config.port, this.config.address, done);
    }).catch((err: Error) => {
      throw new Error(`input.${this.ctx.id}: cannot listen on udp ${this.config.address}:${this.config.port}: ${err.message}`);
    });
    // Only ever raise the buffer: a socket from systemd may have a bigger one (ReceiveBuffer= uses
    // SO_RCVBUFFORCE, past net.core.rmem_max) than this process may ask for.
    const asked = this.config.receive_buffer_bytes;
    if (asked > 0 && socket.getRecvBufferSize() < asked) {
      try {
        socket.setRecvBufferSize(asked);
      } catch (err) {
        this.ctx.log.warning(`input.${this.ctx.id}: cannot set the receive buffer to ${asked} bytes: ${(err as Error).message}`);
      }
    }
    socket.on('error', (err) => this.ctx.log.error(`input.${this.ctx.id}: socket error: ${err.message}`));
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    const addr = socket.address();
    this.bound = `udp ${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}` +
      (this.ctx.inheritedFd !== null ? ` (fd ${this.ctx.inheritedFd} from systemd)` : '');
    const granted = socket.getRecvBufferSize();
    this.ctx.log.info(`input.${this.ctx.id}: listening on ${this.bound}, receive buffer ${granted} bytes` +
      (this.config.receive_buffer_bytes > 0 && granted < this.config.receive_buffer_bytes
        ? ` (asked ${this.config.receive_buffer_bytes}; raise net.core.rmem_max)` : ''));
    if (this.config.port_file) await writeFile(this.config.port_file, `${addr.port}\n`);
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (!this.ctx.access.decide(rinfo.address, null)) {
      this.denied.value++;
      return;
    }
    if (msg.length === 0) {
      this.empty.value++;
      return;
    }
    let frame = msg;
    let truncated = false;
    if (frame.length > this.config.max_message_bytes) {
      frame = frame.subarray(0, this.config.max_message_bytes);
      truncated = true;
    }
    // Senders such as loggen end each datagram with LF; it is framing, not message.
    const last = frame.length - 1;
    if (frame[last] === 0x0a || frame[last] === 0) frame = frame.subarray(0, last);
    this.batch.push(this.decoder.decode(frame, rinfo.address, rinfo.address, Date.now(), truncated));
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
    return this.bound || `udp ${this.config.address}:${this.config.port} (not started)`;
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
    this.flush();
  }
}
