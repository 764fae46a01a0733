// The two ways the udp input reads its socket. Both bind (or adopt systemd's fd), size the
// receive buffer (only ever up) and hand each datagram to `onDatagram`; the recvmmsg one reads up
// to BATCH_SLOTS datagrams per system call and makes one JavaScript call per batch, node:dgram one
// per datagram, and also counts what the kernel dropped. Failing to bind throws; a receive error
// is logged and reading goes on.

import dgram from 'node:dgram';
import net from 'node:net';
import type { InputContext } from '../../component.js';
import { FLAG_TRUNCATED, META_WORDS, type UdpRecv } from './native.js';

export const BATCH_SLOTS = 64;
/** How often the kernel's drop count is read (SO_MEMINFO: one system call). */
const DROP_CHECK_MS = 1000;

/** A datagram as the socket gave it; `truncated` when it was longer than the receive slot. */
export type OnDatagram = (frame: Buffer, peer: string, received: number, truncated: boolean) => void;
/** The number of datagrams the kernel has dropped on the socket so far (receive buffer full). */
export type OnKernelDrops = (total: number) => void;

export interface Receiver {
  readonly address: string;
  readonly port: number;
  readonly family: 4 | 6;
  /** SO_RCVBUF as the kernel reports it. */
  readonly granted: number;
  readonly method: string;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  address: string;
  port: number;
  receiveBufferBytes: number;
  maxMessageBytes: number;
  fd: number | null;
}

export async function openDgram(opts: ReceiverOptions, ctx: InputContext, onDatagram: OnDatagram): Promise<Receiver> {
  const socket = dgram.createSocket({ type: net.isIPv6(opts.address) ? 'udp6' : 'udp4', reuseAddr: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    const done = () => {
      socket.off('error', reject);
      resolve();
    };
    if (opts.fd !== null) socket.bind({ fd: opts.fd }, done);
    else socket.bind(opts.port, opts.address, done);
  }).catch((err: unknown) => {
    socket.close();
    throw err;
  });
  // Only ever raise the buffer: a socket from systemd may have a bigger one (ReceiveBuffer= uses
  // SO_RCVBUFFORCE, past net.core.rmem_max) than this process may ask for.
  if (opts.receiveBufferBytes > 0 && socket.getRecvBufferSize() < opts.receiveBufferBytes) {
    try {
      socket.setRecvBufferSize(opts.receiveBufferBytes);
    } catch (err) {
      ctx.log.warning(`input.${ctx.id}: cannot set the receive buffer to ${opts.receiveBufferBytes} bytes: ${(err as Error).message}`);
    }
  }
  socket.on('error', (err) => ctx.log.error(`input.${ctx.id}: socket error: ${err.message}`));
  socket.on('message', (msg, rinfo) => {
    const truncated = msg.length > opts.maxMessageBytes;
    onDatagram(truncated ? msg.subarray(0, opts.maxMessageBytes) : msg, rinfo.address, Date.now(), truncated);
  });
  const addr = socket.address();
  return {
    address: addr.address,
    port: addr.port,
    family: addr.family === 'IPv6' ? 6 : 4,
    granted: socket.getRecvBufferSize(),
    method: 'dgram',
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

export function openRecvmmsg(addon: UdpRecv, opts: ReceiverOptions, ctx: InputContext,
  onDatagram: OnDatagram, onKernelDrops: OnKernelDrops): Receiver {
  let fd: number;
  let address: string;
  let port: number;
  let family: number;
  if (opts.fd !== null) {
    fd = opts.fd;
    [address, port, family] = addon.localAddress(fd);
  } else {
    [fd, port] = addon.bind(opts.address, opts.port);
    address = opts.address;
    family = net.isIPv6(opts.address) ? 6 : 4;
  }
  let granted = addon.receiveBuffer(fd, 0);
  if (opts.receiveBufferBytes > 0 && granted < opts.receiveBufferBytes) {
    try {
      granted = addon.receiveBuffer(fd, opts.receiveBufferBytes);
    } catch (err) {
      ctx.log.warning(`input.${ctx.id}: cannot set the receive buffer to ${opts.receiveBufferBytes} bytes: ${(err as Error).message}`);
    }
  }
  const meta = new Uint32Array(BATCH_SLOTS * META_WORDS);
  let lastError = 0;
  const handle = addon.start(fd, BATCH_SLOTS, opts.maxMessageBytes, meta, (count, data, peers) => {
    if (count < 0) {
      // One line per distinct error in a row: an error that repeats on every wake-up (ENOMEM)
      // must not flood the paniclog.
      if (count !== lastError) ctx.log.error(`input.${ctx.id}: receive error: errno ${-count}`);
      lastError = count;
      return;
    }
    lastError = 0;
    if (!data || !peers) return;
    const received = Date.now();
    let offset = 0;
    for (let i = 0, w = 0; i < count; i++, w += META_WORDS) {
      const length = meta[w]!;
      const frame = data.subarray(offset, offset + length);
      offset += length;
      onDatagram(frame, peers[meta[w + 2]!]!, received, (meta[w + 1]! & FLAG_TRUNCATED) !== 0);
    }
  });
  let dropped = 0;
  const checkDrops = () => {
    const now = addon.dropped(fd);
    if (now > dropped) onKernelDrops(dropped = now);
  };
  const dropTimer = setInterval(checkDrops, DROP_CHECK_MS).unref();
  let open = true;
  return {
    address, port, granted,
    family: family === 6 ? 6 : 4,
    method: `recvmmsg, up to ${BATCH_SLOTS} datagrams per call`,
    close: () => {
      clearInterval(dropTimer);
      if (open) {
        checkDrops();
        addon.close(handle);
      }
      open = false;
      return Promise.resolve();
    },
  };
}
