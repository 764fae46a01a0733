// What a record becomes in the database: one `records` row, and for EMG lines a row in the EMG
// tables too. Rows are plain data (numbers and strings), so a batch can wait in the spool as JSON
// and be written to SQLite or PostgreSQL the same way. Made once, when the output takes the batch.

import type { EmgConnectorFields } from '../dialects/emg/connector.js';
import { emgEventCode } from '../dialects/emg/events.js';
import { formatInfo } from '../dialects/emg/info.js';
import { formatOptions, mgpOption } from '../dialects/emg/mgp-options.js';
import { MONTH_NAMES, readTime, type EmgTime } from '../dialects/emg/time.js';
import { lineStart } from '../outputs/emg/route.js';
import type { LogRecord } from '../record.js';

export interface RecordRow {
  /** Header time, µs since the epoch. */
  readonly timeUs: number;
  /** Receive time, µs since the epoch. */
  readonly receivedUs: number;
  readonly host: string;
  readonly app: string;
  readonly procid: string;
  /** RFC 5424 MSGID ('' when none). */
  readonly msgid: string;
  /** The mail message's id, where one can be told (see `mailIdOf`); '' when none. */
  readonly mailId: string;
  readonly facility: number;
  readonly severity: number;
  /** Native level scheme and value (`axigen` 4, `mmdf` 20, ...); null when the sender gave none. */
  readonly levelScheme: string | null;
  readonly levelValue: number | null;
  readonly message: string;
  readonly dialect: string | null;
  readonly disposition: string | null;
  /** The dialect's fields as JSON text; null when none. */
  readonly fields: string | null;
  readonly input: string;
  readonly peer: string;
}

/** EMG's connectorlog: one row per connector line. */
export interface ConnectorRow {
  readonly timeUs: number;
  readonly instance: string;
  /** CONNECT 0, DISCONNECT 1, LOGIN 2, LOGOUT 3, SEND 4, RECEIVE 5, REJECT 7, MAXFAIL 9, EXPIRE 10. */
  readonly event: number;
  readonly ok: boolean;
  readonly info: string;
  readonly options: string;
}

/**
 * EMG's routelog: one row each time a message (MGP option 001, its id) enters or leaves through a
 * connector (RECEIVE → `in`, SEND → `out`). INFERRED: EMG's own columns were not available.
 */
export interface RouteRow {
  readonly timeUs: number;
  readonly mailId: string;
  readonly instance: string;
  readonly direction: 'in' | 'out';
  readonly ok: boolean;
  /** Recipient (option 008, DESTADDR), '' when not logged. */
  readonly destination: string;
}

/** EMG's pdulog: one row per pdu line (`<timestamp> (<instance>) <text>`). */
export interface PduRow {
  readonly timeUs: number;
  readonly instance: string;
  readonly text: string;
}

export interface RowBatch {
  records: RecordRow[];
  connector: ConnectorRow[];
  route: RouteRow[];
  pdu: PduRow[];
}

export function emptyBatch(): RowBatch {
  return { records: [], connector: [], route: [], pdu: [] };
}

export function batchSize(b: RowBatch): number {
  return b.records.length + b.connector.length + b.route.length + b.pdu.length;
}

/** Appends every row of `from` to `into`. */
export function appendBatch(into: RowBatch, from: RowBatch): void {
  for (const r of from.records) into.records.push(r);
  for (const r of from.connector) into.connector.push(r);
  for (const r of from.route) into.route.push(r);
  for (const r of from.pdu) into.pdu.push(r);
}

// ---------------------------------------------------------------------------------------------

const MGP_MESSAGE_ID = 1;
const MGP_DESTADDR = 8;

/** Control bytes other than TAB, DEL: written `#ooo` as in the file outputs. */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/g;

function octal(c: string): string {
  return '#' + c.charCodeAt(0).toString(8).padStart(3, '0');
}

/** The MSG as text: UTF-8 (invalid sequences become U+FFFD), control bytes as `#ooo`. */
export function messageText(rec: LogRecord): string {
  const s = rec.raw.toString('utf8', rec.msgOffset);
  CONTROL.lastIndex = 0;
  return CONTROL.test(s) ? s.replace(CONTROL, octal) : s;
}

// A Postfix queue id (hex, or the long form without vowels) or a sendmail one, at the start of a
// message and followed by `: `; it must hold a digit, so `warning: ` and `NOQUEUE: ` are not ids.
const QUEUE_ID = /^(?=[0-9A-Za-z]*[0-9])([0-9A-Za-z]{6,20}): /;

/**
 * The id of the mail message a record is about, as its system writes it: Momentum's message-id
 * (`00/00-25004-31B987F3`), MMDF's queue name (`msg.a12345`), EMG's message id (MGP option 001),
 * else a Postfix or sendmail queue id that opens the message. '' when there is none.
 */
export function mailIdOf(rec: LogRecord): string {
  const f = rec.fields;
  if (f !== null) {
    if (rec.dialect === 'momentum' && typeof f.messageId === 'string') return f.messageId;
    if (rec.dialect === 'mmdf') {
      const entry = f.entry as Record<string, unknown> | undefined;
      if (entry && typeof entry.msg === 'string') return entry.msg;
    }
    if (rec.dialect === 'emg') return mgpOption((f as unknown as EmgConnectorFields).options, MGP_MESSAGE_ID) ?? '';
  }
  const head = rec.raw.toString('latin1', rec.msgOffset, Math.min(rec.raw.length, rec.msgOffset + 24));
  const m = QUEUE_ID.exec(head);
  return m ? m[1]! : '';
}

function jsonFields(fields: unknown): string | null {
  if (fields === null || fields === undefined) return null;
  try {
    return JSON.stringify(fields);
  } catch {
    return null;
  }
}

/** Indexed text is capped: a B-tree entry has a size limit (PostgreSQL: about 2.7 kB). */
const INDEXED_MAX = 512;
function capped(s: string): string {
  return s.length > INDEXED_MAX ? s.slice(0, INDEXED_MAX) : s;
}

export function recordRow(rec: LogRecord): RecordRow {
  const time = Number.isFinite(rec.time) ? rec.time : rec.receivedAt;
  return {
    timeUs: time * 1000 + rec.timeMicros,
    receivedUs: rec.receivedAt * 1000,
    host: capped(rec.hostname),
    app: capped(rec.app),
    procid: capped(rec.procid),
    msgid: capped(rec.msgid),
    mailId: capped(mailIdOf(rec)),
    facility: rec.facility,
    severity: rec.severity,
    levelScheme: rec.level?.scheme ?? null,
    levelValue: rec.level?.value ?? null,
    message: messageText(rec),
    dialect: rec.dialect,
    disposition: rec.disposition,
    fields: jsonFields(rec.fields),
    input: rec.input,
    peer: rec.peer,
  };
}

/**
 * An EMG stamp as µs since the epoch, in local time as EMG writes it. Without LOGYEAR the year is
 * the one that puts the stamp nearest `near` (ms), so a line from 31 December read on 1 January
 * keeps its year.
 */
export function emgStampUs(t: EmgTime, near: number): number {
  const at = (year: number) => new Date(year, t.month - 1, t.day, t.hour, t.minute, t.second).getTime();
  let ms: number;
  if (t.year !== null) {
    ms = at(t.year);
  } else {
    const y = new Date(near).getFullYear();
    ms = [y - 1, y, y + 1].map(at).reduce((best, c) => (Math.abs(c - near) < Math.abs(best - near) ? c : best));
  }
  return ms * 1000 + t.micros;
}

/** The EMG rows a record gives: connector lines fill connectorlog and routelog, pdu lines pdulog. */
export function addEmgRows(rec: LogRecord, out: RowBatch): void {
  if (rec.dialect === 'emg' && rec.fields !== null) {
    const f = rec.fields as unknown as EmgConnectorFields;
    const timeUs = emgStampUs(f.time, rec.receivedAt);
    out.connector.push({
      timeUs, instance: f.instance, event: emgEventCode(f.event), ok: f.ok,
      info: formatInfo(f.info), options: formatOptions(f.options),
    });
    if (f.event === 'RECEIVE' || f.event === 'SEND') {
      const id = mgpOption(f.options, MGP_MESSAGE_ID);
      if (id !== null && id !== '') {
        out.route.push({
          timeUs, mailId: capped(id), instance: f.instance, direction: f.event === 'RECEIVE' ? 'in' : 'out', ok: f.ok,
          destination: mgpOption(f.options, MGP_DESTADDR) ?? '',
        });
      }
    }
    return;
  }
  if (rec.dialect !== null) return;
  const pdu = pduLine(rec);
  if (pdu) out.pdu.push(pdu);
}

const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;
const MONTHS = new Set(MONTH_NAMES);

/**
 * Whether `buf` at `at` opens as an EMG stamp can (`YYYY-` or `Mmm `): looked at in the bytes, so
 * the many lines that are not EMG's cost no text decoding.
 */
function mayOpenEmgStamp(buf: Buffer, at: number): boolean {
  if (isDigit(buf[at])) return isDigit(buf[at + 1]) && isDigit(buf[at + 2]) && isDigit(buf[at + 3]) && buf[at + 4] === 0x2d;
  return buf[at + 3] === 0x20 && MONTHS.has(buf.toString('latin1', at, at + 3) as (typeof MONTH_NAMES)[number]);
}

/** `<EMG timestamp> (<instance>) <text>` where the text is not a connector event: a pdu line. */
function pduLine(rec: LogRecord): PduRow | null {
  const start = lineStart(rec);
  if (rec.raw.length - start < 20 || !mayOpenEmgStamp(rec.raw, start)) return null;
  const line = rec.raw.toString('utf8', start);
  const t = readTime(line);
  if (!t.ok || line[t.end] !== ' ' || line[t.end + 1] !== '(') return null;
  const close = line.indexOf(') ', t.end + 2);
  if (close < 0) return null;
  const instance = line.slice(t.end + 2, close);
  if (instance === '' || instance.includes('(')) return null;
  return { timeUs: emgStampUs(t.value, rec.receivedAt), instance, text: line.slice(close + 2) };
}

/** Rows for a batch of records. */
export function rowsOf(batch: readonly LogRecord[], emgTables: boolean): RowBatch {
  const out = emptyBatch();
  for (const rec of batch) {
    out.records.push(recordRow(rec));
    if (emgTables) addEmgRows(rec, out);
  }
  return out;
}
