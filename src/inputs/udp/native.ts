// The batched receive addon (native/udp_recv.c, built by `npm run build` into
// dist/native/udp_recv.node), typed through the smallest interface the udp input needs. It is
// optional: loadUdpRecv() says why it is not there, and the input then reads through node:dgram.

import { createRequire } from 'node:module';

/** Words per datagram in the meta array: length, flags, index of its peer in the batch. */
export const META_WORDS = 3;
export const FLAG_TRUNCATED = 1;

export interface UdpRecv {
  /** A non-blocking socket bound to address:port; returns [fd, bound port]. */
  bind(address: string, port: number): [number, number];
  /** For an adopted fd (systemd): [address, port, 4 | 6]; makes the fd non-blocking. */
  localAddress(fd: number): [string, number, number];
  /** SO_RCVBUFFORCE, else SO_RCVBUF, when bytes > 0; returns the size the kernel reports. */
  receiveBuffer(fd: number, bytes: number): number;
  /**
   * Reads up to `slots` datagrams per recvmmsg() and calls back once per batch: `count` < 0 is
   * -errno; `data` holds the payloads back to back; `meta` (META_WORDS per datagram) is reused.
   */
  start(fd: number, slots: number, slotBytes: number, meta: Uint32Array,
    onBatch: (count: number, data: Buffer | undefined, peers: string[] | undefined) => void): UdpRecvHandle;
  /** Datagrams the kernel dropped on the socket so far (receive buffer full); -1 if it cannot tell. */
  dropped(fd: number): number;
  /** Stops reading and closes the fd. Call once. */
  close(handle: UdpRecvHandle): void;
}

declare const handleBrand: unique symbol;
export interface UdpRecvHandle { readonly [handleBrand]: true }

let loaded: UdpRecv | Error | undefined;

/** The addon, or the reason it cannot be loaded (looked up once). */
export function loadUdpRecv(): UdpRecv | Error {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  // dist/inputs/udp/native.js → dist/native; src/inputs/udp/native.ts (tests) → dist/native; the
  // bundled entry points in dist/cli (scripts/bundle.mjs) → dist/native.
  const candidates = ['../../native/udp_recv.node', '../../../dist/native/udp_recv.node', '../native/udp_recv.node'];
  const reasons: string[] = [];
  for (const rel of candidates) {
    try {
      loaded = require(rel) as UdpRecv;
      return loaded;
    } catch (err) {
      reasons.push((err as Error).message.split('\n')[0] ?? String(err));
    }
  }
  loaded = new Error(`udp_recv.node is not built (${reasons[0] ?? 'not found'})`);
  return loaded;
}
