// One stream connection (TCP, or a local unix socket): bytes → frames → records → the engine. Reading pauses while the engine
// says outputs are behind and resumes when they drain, so a slow output slows the sender instead
// of growing memory.

import type net from 'node:net';
import type { InputContext } from '../../component.js';
import type { LogRecord } from '../../record.js';
import { StreamDeframer, type FrameSink } from '../../syslog/framing.js';
import type { Decoder } from '../decode.js';

export class TcpConnection implements FrameSink {
  private readonly deframer: StreamDeframer;
  /** Records decoded from the current chunk; handed over whole, then replaced. */
  private batch: LogRecord[] = [];
  /** Receive time of the current chunk (one clock read per chunk, not per frame). */
  private now = 0;
  private paused = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly peer: string,
    private readonly decoder: Decoder,
    private readonly ctx: InputContext,
    maxMessageBytes: number,
    /** Host for records without a HOSTNAME: the peer address, or the machine's name for local sockets. */
    private readonly fallbackHost: string = peer,
  ) {
    this.deframer = new StreamDeframer(maxMessageBytes);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
  }

  private onData(chunk: Buffer): void {
    this.now = Date.now();
    this.deframer.push(chunk, this);
    this.submit();
  }

  private onEnd(): void {
    this.now = Date.now();
    this.deframer.end(this);
    this.submit();
    this.socket.end();
  }

  /** Each frame is decoded as the deframer finds it: no Frame object or frame list per message. */
  frame(data: Buffer, truncated: boolean): void {
    const batch = this.batch;
    // An indexed store: the JIT makes it inline, where it calls out for push() on a new array.
    batch[batch.length] = this.decoder.decode(data, this.peer, this.fallbackHost, this.now, truncated);
  }

  private submit(): void {
    const batch = this.batch;
    if (batch.length === 0) return;
    this.batch = [];
    if (!this.ctx.submit(batch) && !this.paused) {
      this.paused = true;
      this.socket.pause();
      this.ctx.onWritable(this.resume);
    }
  }

  private readonly resume = (): void => {
    this.paused = false;
    if (!this.socket.destroyed) this.socket.resume();
  };
}
