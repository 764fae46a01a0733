// The fields of one Axigen line. Two shapes share the tail `SERVICE:SESSIONID: message`:
// - `line`: what the Log Service writes to its files, `YYYY-MM-DD HH:MM:SS +ZZZZ LL host ` first
//   (formats §2.3, seen in real logs).
// - `bare`: the tail alone. INFERRED: a module with logtype=remote (UDP 2000) or logtype=system
//   (syslog, facility mail) hands the Log Service or syslogd the event before the Log Service adds
//   the stamp, level and host, so the MSG of such a record is taken to be just the tail. No sample
//   of that traffic was available; the shape is recognised only with an uppercase service name.
// Object types, not interfaces, so the fields fit `LogRecord.fields` (Record<string, unknown>).

import type { AxigenBit } from '../../levels/axigen.js';

/** Date, time and zone exactly as the line carries them. */
export type AxigenStamp = {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Offset from UTC in minutes (`+0545` → 345). */
  readonly zoneOffsetMin: number;
  /** The zone as written (`+0545`, `-0000`); written back while it still means `zoneOffsetMin`. */
  readonly zone: string;
  /** ms since the epoch, derived from the parts and the offset; `format` does not read it. */
  readonly time: number;
};

export type AxigenEndpoint = { readonly ip: string; readonly port: number };

/**
 * Addresses a message opens with: `[server ip:port]`, and the client after
 * `connection accepted from [ip:port]` (formats §2.3 example). Derived from `message`.
 */
export type AxigenAddresses = {
  readonly server: AxigenEndpoint;
  readonly client: AxigenEndpoint | null;
};

type AxigenTail = {
  /** Module name: SMTP-IN, SMTP-OUT, PROCESSING, IMAP, POP3, WEBMAIL, MAILBOXAPI, JOBLOG, ... */
  readonly service: string;
  /** Session id: 8 hex digits in real logs; any visible token without `:` is accepted. */
  readonly session: string;
  /** Everything after `SESSIONID: `, byte for byte (a view of the parsed line). */
  readonly message: Buffer;
  readonly addresses: AxigenAddresses | null;
};

export type AxigenLine = AxigenTail & {
  readonly shape: 'line';
  readonly stamp: AxigenStamp;
  readonly level: AxigenBit;
  /** The LL field as written (`08`, or `8`); written back while it still means `level`. */
  readonly levelText: string;
  readonly host: string;
};

/** `SERVICE:SESSIONID: message` with no stamp, level or host (an inferred shape, see above). */
export type AxigenBare = AxigenTail & { readonly shape: 'bare' };

export type AxigenFields = AxigenLine | AxigenBare;

export type AxigenErrorReason = 'timestamp' | 'zone' | 'level' | 'host' | 'service' | 'truncated';
