// The contracts between the daemon and its inputs and outputs. A component is created with
// `(config, ctx)` and nothing else; `close()` must be safe on a half-started component.

import type { LogRecord } from './record.js';
import type { Counters } from './telemetry/counters.js';
import type { InternalLog } from './telemetry/log.js';

export interface ComponentContext {
  /** Section name: `udp` for `[input.udp]`. */
  readonly id: string;
  /** Directory that every file the daemon writes must stay inside. */
  readonly logRoot: string;
  /** Directory for state (cursors, queues). */
  readonly stateDir: string;
  readonly counters: Counters;
  readonly log: InternalLog;
  /** Aborted when the daemon begins to stop. */
  readonly shutdown: AbortSignal;
}

/** The access rules that apply to one input (see src/engine/access.ts). */
export interface AccessCheck {
  /** True when some rule matches by host name, so the input should resolve peer names. */
  readonly usesHostnames: boolean;
  /** Allow (true) or deny (false) a peer; `hostname` is null when not known. */
  decide(ip: string, hostname: string | null): boolean;
}

/** The daemon's journal as inputs see it: a record is acknowledged to its sender once durable. */
export interface DurableLog {
  /** Appends a received record; returns its sequence number, or 0 when the journal cannot take it (counted, logged). */
  append(rec: LogRecord): number;
  /** Resolves once every record up to `seq` is on disk. */
  durable(seq: number): Promise<void>;
  /** Highest sequence number on disk. */
  readonly durableSeq: number;
}

export interface InputContext extends ComponentContext {
  readonly access: AccessCheck;
  /** Name given to records that carry no HOSTNAME and come from this machine. */
  readonly localHostname: string;
  /** A socket systemd passed under this input's name (socket activation), to use instead of binding; else null. */
  readonly inheritedFd: number | null;
  /** The daemon's journal, when one is kept (a relp input makes one); else null. */
  readonly journal: DurableLog | null;
  /**
   * Hands a batch of records to the engine. Returns false when outputs are behind: a stream input
   * should pause reading and resume when `onWritable` fires. Never throws.
   */
  submit(batch: LogRecord[]): boolean;
  /** Calls `cb` once, as soon as the pipeline can take more. */
  onWritable(cb: () => void): void;
}

export interface Input {
  /** Binds and starts receiving. Rejects with a clear message if it cannot. */
  start(): Promise<void>;
  /** Stops receiving and closes every socket. Safe to call twice or before `start`. */
  close(): Promise<void>;
  /** Addresses actually bound (port 0 resolved), for logs and tests. */
  describe(): string;
}

export interface Output {
  /** Opens files or connections. Rejects with a clear message if it cannot. */
  open(): Promise<void>;
  /** Takes a batch. Never throws, never blocks; the output owns its queue. */
  write(batch: readonly LogRecord[]): void;
  /** True while the output's queue is above its high-water mark. */
  readonly busy: boolean;
  /** Calls `cb` once when the output is no longer busy. */
  onDrain(cb: () => void): void;
  /** Resolves when everything written so far has been handed to the OS (or the peer). */
  flush(): Promise<void>;
  /** Closes and reopens files (logrotate's HUP). */
  reopen(): Promise<void>;
  /** Flushes and closes. Safe to call twice or before `open`. */
  close(): Promise<void>;
}

/**
 * The daemon's journal as a reading output (`forward`) sees it: a subscriber of its own, and the
 * records after a position that the rules send to this output.
 */
export interface JournalFeed {
  /** This machine's name (the default node name). */
  readonly hostname: string;
  /** The journal's identity: another one after the journal was made anew (its seqs start again). */
  readonly journalId: string;
  /** Adds the subscriber if it is missing: from 'begin' it gets everything still kept. */
  attach(subscriber: string, from: 'begin' | 'end'): void;
  /** The subscriber's checkpoint: every record up to it is done. */
  checkpoint(subscriber: string): number;
  /**
   * Durable records after `after` (at most `max` looked at) that the rules route to this output.
   * `upTo` is the last seq looked at: a reader that is past it has seen everything so far.
   */
  read(subscriber: string, after: number, max: number): { records: LogRecord[]; upTo: number };
  /** Moves the subscriber's checkpoint (durably). */
  commit(subscriber: string, seq: number): void;
  /** Calls `cb` once, when records are durable past `after`. */
  onDurable(after: number, cb: () => void): void;
}

export interface OutputContext extends ComponentContext {
  /** The daemon's journal, for outputs that read it (`forward`); absent when it keeps none. */
  readonly journal?: JournalFeed;
}
