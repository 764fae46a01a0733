// One TCP connection: bytes → frames → records → the engine. Reading pauses while the engine
// says outputs are behind and resumes when they drain, so a slow output slows the sender instead
// of growing memory.

import type net from 'node:net';
import type { InputContext } from '../../component.js';
import type { LogRecord } from '../../record.js';
import { StreamDeframer, type Frame } from '../../syslog/framing.js';
import type { Decoder } from '../decode.js';

export class TcpConnection {
  private readonly deframer: StreamDeframer;
  private readonly frames: Frame[] = [];
  private paused = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly peer: string,
    private readonly decoder: Decoder,
    private readonly ctx: InputContext,
    maxMessageBytes: number,
  ) {
    this.deframer = new StreamDeframer(maxMessageBytes);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
  }

  private onData(chunk: Buffer): void {
    this.deframer.push(chunk, this.frames);
    this.submit();
  }

  private onEnd(): void {
    this.deframer.end(this.frames);
    this.submit();
    this.socket.end();
  }

  private submit(): void {
    const frames = this.frames;
    if (frames.length === 0) return;
    const now = Date.now();
    const batch: LogRecord[] = new Array<LogRecord>(frames.length);
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i]!;
      batch[i] = this.decoder.decode(f.data, this.peer, this.peer, now, f.truncated);
    }
    frames.length = 0;
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
