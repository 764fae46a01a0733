// `udp` input: one message per datagram. Owns one socket, read with recvmmsg batches (the
// udp_recv addon) or node:dgram (receivers.ts). UDP cannot wait, so this input never pauses: when
// outputs are behind it keeps submitting and outputs decide (block or drop). Datagrams are
// submitted in batches gathered for at most a millisecond.

import { writeFile } from 'node:fs/promises';
import type { Input, InputContext } from '../../component.js';
import type { SpecValue } from '../../config/schema.js';
import type { LogRecord } from '../../record.js';
import { Decoder } from '../decode.js';
import type { udpInputSpec } from './config.js';
import { loadUdpRecv } from './native.js';
import { openDgram, openRecvmmsg, type OnDatagram, type OnKernelDrops, type Receiver } from './receivers.js';

export type UdpInputConfig = SpecValue<typeof udpInputSpec>;

const DROP_LOG_INTERVAL_MS = 10_000;
/**
 * Records are handed on in batches of up to SUBMIT_RECORDS, at most SUBMIT_WAIT_MS after the
 * first. A busy socket wakes the daemon for a few datagrams at a time; handing each handful on
 * would cost a routing pass and a file write (a thread-pool round trip) per handful.
 */
const SUBMIT_RECORDS = 512;
const SUBMIT_WAIT_MS = 1;

export function createUdpInput(config: UdpInputConfig, ctx: InputContext): Input {
  return new UdpInput(config, ctx);
}

class UdpInput implements Input {
  private receiver: Receiver | null = null;
  private batch: LogRecord[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly decoder: Decoder;
  private readonly denied;
  private readonly empty;
  private readonly bufferFull;
  private dropsLoggedAt = 0;
  private bound = '';

  constructor(private readonly config: UdpInputConfig, private readonly ctx: InputContext) {
    this.decoder = new Decoder(ctx.id, ctx, config.dialect);
    this.denied = ctx.counters.get(`input.${ctx.id}`, 'denied');
    this.empty = ctx.counters.get(`input.${ctx.id}`, 'discarded', 'empty');
    this.bufferFull = ctx.counters.get(`input.${ctx.id}`, 'discarded', 'receive_buffer_full');
  }

  async start(): Promise<void> {
    const { config, ctx } = this;
    const opts = {
      address: config.address, port: config.port, fd: ctx.inheritedFd,
      receiveBufferBytes: config.receive_buffer_bytes, maxMessageBytes: config.max_message_bytes,
    };
    const addon = config.receive_method === 'dgram' ? null : loadUdpRecv();
    if (addon instanceof Error && config.receive_method === 'recvmmsg') {
      throw new Error(`input.${ctx.id}: receive_method = recvmmsg, but ${addon.message}; build it with a C compiler (npm run build) or use auto`);
    }
    try {
      this.receiver = addon && !(addon instanceof Error)
        ? openRecvmmsg(addon, opts, ctx, this.onDatagram, this.onKernelDrops)
        : await openDgram(opts, ctx, this.onDatagram);
    } catch (err) {
      throw new Error(`input.${ctx.id}: cannot listen on udp ${config.address}:${config.port}: ${(err as Error).message}`, { cause: err });
    }
    const r = this.receiver;
    this.bound = `udp ${r.family === 6 ? `[${r.address}]` : r.address}:${r.port}` +
      (ctx.inheritedFd !== null ? ` (fd ${ctx.inheritedFd} from systemd)` : '');
    const fallback = addon instanceof Error ? ` (${addon.message})` : '';
    ctx.log.info(`input.${ctx.id}: listening on ${this.bound}, reading with ${r.method}${fallback}, receive buffer ${r.granted} bytes` +
      (config.receive_buffer_bytes > 0 && r.granted < config.receive_buffer_bytes
        ? ` (asked ${config.receive_buffer_bytes}; raise net.core.rmem_max)` : ''));
    if (config.port_file) await writeFile(config.port_file, `${r.port}\n`);
  }

  // The kernel's running count of drops on the socket, read every second (receivers.ts).
  private readonly onKernelDrops: OnKernelDrops = (total) => {
    const before = this.bufferFull.value;
    this.bufferFull.value = total;
    const now = Date.now();
    if (now - this.dropsLoggedAt < DROP_LOG_INTERVAL_MS) return;
    this.dropsLoggedAt = now;
    this.ctx.log.warning(`input.${this.ctx.id}: the kernel dropped ${total - before} datagrams (${total} since start): ` +
      'the receive buffer was full; raise receive_buffer_bytes (and net.core.rmem_max), or the daemon is short of CPU');
  };

  private readonly onDatagram: OnDatagram = (msg, peer, received, truncated) => {
    if (!this.ctx.access.decide(peer, null)) {
      this.denied.value++;
      return;
    }
    if (msg.length === 0) {
      this.empty.value++;
      return;
    }
    // Senders such as loggen end each datagram with LF; it is framing, not message.
    const last = msg.length - 1;
    const frame = msg[last] === 0x0a || msg[last] === 0 ? msg.subarray(0, last) : msg;
    this.batch.push(this.decoder.decode(frame, peer, peer, received, truncated));
    if (this.batch.length >= SUBMIT_RECORDS) this.flush();
    else this.flushTimer ??= setTimeout(this.flush, SUBMIT_WAIT_MS);
  };

  private readonly flush = (): void => {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.batch;
    this.batch = [];
    if (batch.length) this.ctx.submit(batch);
  };

  describe(): string {
    return this.bound || `udp ${this.config.address}:${this.config.port} (not started)`;
  }

  async close(): Promise<void> {
    const receiver = this.receiver;
    this.receiver = null;
    if (receiver) await receiver.close();
    this.flush();
  }
}
