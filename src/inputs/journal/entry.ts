// A journal entry (journalctl -o json) as a syslog frame the decoder reads like any other: RFC 5424,
// so the µs time, host, identifier and pid survive. Pure.
//   <PRI>1 TIMESTAMP HOST APP PROCID - - MESSAGE

/** journalctl -o json writes binary fields (and ones with control bytes) as arrays of byte values. */
type Field = string | number[] | (string | number[])[] | undefined;

export interface JournalEntry {
  readonly [field: string]: Field;
}

function bytes(v: Field): Buffer | null {
  if (v === undefined) return null;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (v.length > 0 && typeof v[0] === 'number') return Buffer.from(v as number[]);
  const first = (v as (string | number[])[])[0];
  return first === undefined ? null : bytes(first);
}

function text(v: Field): string {
  return bytes(v)?.toString('utf8') ?? '';
}

/** A header token: no spaces or control bytes, at most `max` bytes; '-' when empty. */
function token(s: string, max: number): string {
  const t = s.replace(/[\x00-\x20\x7f]/g, '_').slice(0, max);
  return t === '' ? '-' : t;
}

function iso(us: number): string {
  const frac = String(us % 1_000_000).padStart(6, '0');
  return new Date(Math.floor(us / 1000)).toISOString().slice(0, 19) + `.${frac}Z`;
}

export interface Frame {
  readonly frame: Buffer;
  readonly cursor: string;
}

export function entryFrame(e: JournalEntry, fallbackHost: string): Frame | null {
  const cursor = text(e.__CURSOR);
  if (cursor === '') return null;
  const priority = Number(text(e.PRIORITY) || '6');
  const facility = Number(text(e.SYSLOG_FACILITY) || '1');
  const pri = (facility >= 0 && facility <= 23 ? facility : 1) * 8 + (priority >= 0 && priority <= 7 ? priority : 6);
  const us = Number(text(e.__REALTIME_TIMESTAMP));
  const timeUs = Number.isSafeInteger(us) && us > 0 ? us : Date.now() * 1000;
  const host = token(text(e._HOSTNAME) || fallbackHost, 255);
  const app = token(text(e.SYSLOG_IDENTIFIER) || text(e._COMM), 48);
  const pid = token(text(e.SYSLOG_PID) || text(e._PID), 128);
  const msg = bytes(e.MESSAGE) ?? Buffer.alloc(0);
  const head = Buffer.from(`<${pri}>1 ${iso(timeUs)} ${host} ${app} ${pid} - - `, 'utf8');
  return { frame: Buffer.concat([head, msg]), cursor };
}
