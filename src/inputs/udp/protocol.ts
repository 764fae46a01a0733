// Messages between the udp input and its receiver thread.

export interface ReceiverOptions {
  readonly family: 'udp4' | 'udp6';
  readonly address: string;
  readonly port: number;
  readonly receiveBufferBytes: number;
  readonly maxMessageBytes: number;
}

/** Datagram i is data[ends[i-1] .. ends[i]) (from 0 for i = 0), sent by peers[peerIdx[i]]. */
export interface ReceiverBatch {
  readonly type: 'batch';
  /** Receive time of the batch, ms. */
  readonly time: number;
  readonly data: ArrayBuffer;
  readonly byteOffset: number;
  readonly ends: Int32Array;
  readonly peerIdx: Uint16Array;
  readonly count: number;
  readonly peers: string[];
}

export type ReceiverMessage =
  | ReceiverBatch
  | { readonly type: 'listening'; address: string; family: string; port: number; receiveBufferBytes: number }
  | { readonly type: 'error' | 'warning'; message: string }
  | { readonly type: 'closed' };
