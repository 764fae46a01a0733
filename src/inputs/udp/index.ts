// `udp` input: one message per datagram. The socket lives on its own thread (receiver.ts), which
// posts batches of raw datagrams; this side applies the access rules, turns each datagram into a
// record and submits the batch. UDP cannot wait, so this input never pauses: when outputs are
// behind it keeps submitting and each output decides (block or drop).
// Owns: the receiver thread. close() stops the socket, takes the last batch, ends the thread.

import { Worker } from 'node:worker_threads';
import net from 'node:net';
import { writeFile } from 'node:fs/promises';
import type { Input, InputContext } from '../../component.js';
import type { SpecValue } from '../../config/schema.js';
import type { LogRecord } from '../../record.js';
import { Decoder } from '../decode.js';
import type { udpInputSpec } from './config.js';
import type { ReceiverBatch, ReceiverMessage, ReceiverOptions } from './protocol.js';

export type UdpInputConfig = SpecValue<typeof udpInputSpec>;

function startReceiver(workerData: ReceiverOptions, name: string): Worker {
  const entry = import.meta.url.endsWith('.ts') ? './receiver.dev.mjs' : './receiver.js';
  return new Worker(new URL(entry, import.meta.url), { workerData, name });
}

export function createUdpInput(config: UdpInputConfig, ctx: InputContext): Input {
  return new UdpInput(config, ctx);
}

class UdpInput implements Input {
  private worker: Worker | null = null;
  private closed: Promise<void> | null = null;
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
    const options: ReceiverOptions = {
      family: net.isIPv6(this.config.address) ? 'udp6' : 'udp4',
      address: this.config.address,
      port: this.config.port,
      receiveBufferBytes: this.config.receive_buffer_bytes,
      maxMessageBytes: this.config.max_message_bytes,
    };
    const worker = startReceiver(options, `udp ${this.ctx.id}`);
    this.worker = worker;
    let closedResolve!: () => void;
    this.closed = new Promise<void>((r) => { closedResolve = r; });
    worker.on('exit', () => closedResolve());
    const listening = await new Promise<ReceiverMessage & { type: 'listening' }>((resolve, reject) => {
      worker.on('error', reject);
      worker.on('message', (m: ReceiverMessage) => {
        if (m.type === 'listening') resolve(m);
        else if (m.type === 'error') reject(new Error(m.message));
        else this.onMessage(m);
      });
    }).catch((err: Error) => {
      throw new Error(`input.${this.ctx.id}: cannot listen on udp ${this.config.address}:${this.config.port}: ${err.message}`);
    });
    worker.on('error', (err) => this.ctx.log.error(`input.${this.ctx.id}: receiver thread failed: ${err.message}`));
    const { address, family, port, receiveBufferBytes: granted } = listening;
    this.bound = `udp ${family === 'IPv6' ? `[${address}]` : address}:${port}`;
    this.ctx.log.info(`input.${this.ctx.id}: listening on ${this.bound}, receive buffer ${granted} bytes` +
      (this.config.receive_buffer_bytes > 0 && granted < this.config.receive_buffer_bytes
        ? ` (asked ${this.config.receive_buffer_bytes}; raise net.core.rmem_max)` : ''));
    if (this.config.port_file) await writeFile(this.config.port_file, `${port}\n`);
  }

  private onMessage(m: ReceiverMessage): void {
    if (m.type === 'batch') this.onBatch(m);
    else if (m.type === 'warning') this.ctx.log.error(`input.${this.ctx.id}: socket error: ${m.message}`);
  }

  private onBatch(b: ReceiverBatch): void {
    const data = Buffer.from(b.data, b.byteOffset);
    const max = this.config.max_message_bytes;
    const access = this.ctx.access;
    const batch: LogRecord[] = [];
    let start = 0;
    for (let i = 0; i < b.count; i++) {
      const end = b.ends[i]!;
      const peer = b.peers[b.peerIdx[i]!]!;
      let len = end - start;
      const from = start;
      start = end;
      if (!access.decide(peer, null)) {
        this.denied.value++;
        continue;
      }
      if (len === 0) {
        this.empty.value++;
        continue;
      }
      const truncated = len > max;
      if (truncated) len = max;
      // Senders such as loggen end each datagram with LF; it is framing, not message.
      else if (data[from + len - 1] === 0x0a || data[from + len - 1] === 0) len--;
      batch.push(this.decoder.decode(data.subarray(from, from + len), peer, peer, b.time, truncated));
    }
    if (batch.length) this.ctx.submit(batch);
  }

  describe(): string {
    return this.bound || `udp ${this.config.address}:${this.config.port} (not started)`;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    worker.postMessage('close');
    const timer = setTimeout(() => void worker.terminate(), 5000);
    await this.closed;
    clearTimeout(timer);
  }
}
