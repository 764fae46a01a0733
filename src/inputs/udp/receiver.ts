// The UDP socket's own thread. Node delivers one JavaScript callback per datagram, and that cost
// (≈5 µs) is most of what UDP ingest costs; here it runs beside the main thread instead of on it.
// This thread only receives: it copies each datagram into a batch buffer and posts the batch
// (buffer + offsets + peer table, transferred, not copied) once per event-loop turn or every
// BATCH_BYTES. Parsing, access rules and everything after stay on the main thread.
// Owns: the dgram socket. Fails: a bind error is posted as {type:'error'} and the thread ends.

import dgram from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import type { ReceiverBatch, ReceiverMessage, ReceiverOptions } from './protocol.js';

const BATCH_BYTES = 256 * 1024;
const BATCH_DATAGRAMS = 4096;

const opts = workerData as ReceiverOptions;
const port = parentPort!;

let buf = Buffer.allocUnsafeSlow(BATCH_BYTES);
let used = 0;
let ends = new Int32Array(BATCH_DATAGRAMS);
let peerIdx = new Uint16Array(BATCH_DATAGRAMS);
let count = 0;
let peers: string[] = [];
let peerMap = new Map<string, number>();
let scheduled = false;

function post(msg: ReceiverMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

function flush(): void {
  scheduled = false;
  if (count === 0) return;
  const batch: ReceiverBatch = {
    type: 'batch', time: Date.now(), data: buf.buffer, byteOffset: buf.byteOffset,
    ends, peerIdx, count, peers,
  };
  post(batch, [buf.buffer, ends.buffer, peerIdx.buffer]);
  buf = Buffer.allocUnsafeSlow(BATCH_BYTES);
  used = 0;
  ends = new Int32Array(BATCH_DATAGRAMS);
  peerIdx = new Uint16Array(BATCH_DATAGRAMS);
  count = 0;
  peers = [];
  peerMap = new Map();
}

function onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
  // Cut here already, so one huge datagram cannot need a huge batch buffer.
  const len = msg.length > opts.maxMessageBytes ? opts.maxMessageBytes + 1 : msg.length;
  if (used + len > buf.length || count === BATCH_DATAGRAMS || peers.length === 0xffff) flush();
  if (len > buf.length) buf = Buffer.allocUnsafeSlow(len);
  msg.copy(buf, used, 0, len);
  used += len;
  ends[count] = used;
  let p = peerMap.get(rinfo.address);
  if (p === undefined) {
    p = peers.length;
    peers.push(rinfo.address);
    peerMap.set(rinfo.address, p);
  }
  peerIdx[count++] = p;
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}

const socket = dgram.createSocket({
  type: opts.family,
  ...(opts.receiveBufferBytes > 0 ? { recvBufferSize: opts.receiveBufferBytes } : {}),
});
socket.once('error', (err) => {
  post({ type: 'error', message: err.message });
  port.close();
});
socket.bind(opts.port, opts.address, () => {
  socket.on('error', (err) => post({ type: 'warning', message: err.message }));
  socket.on('message', onMessage);
  const a = socket.address();
  post({ type: 'listening', address: a.address, family: a.family, port: a.port, receiveBufferBytes: socket.getRecvBufferSize() });
});

port.on('message', (m: string) => {
  if (m !== 'close') return;
  socket.close(() => {
    flush();
    post({ type: 'closed' });
    port.close();
  });
});
