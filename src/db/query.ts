// What `maillogctl query` and `trace` ask of a store, and the one WHERE clause both databases use.
// Every condition is written so an index can serve it: time ranges on `time`, exact host and app
// on (host, time) and (app, time), a message id on `mail_id` or `msgid` (indexes of the rows that
// have one); a glob becomes a LIKE whose fixed prefix can still use the index. `--grep` is a
// substring test on the rows left.

import type { RecordRow } from './rows.js';

export interface RecordQuery {
  /** µs since the epoch, inclusive. */
  readonly sinceUs?: number;
  /** µs since the epoch, exclusive. */
  readonly untilUs?: number;
  /** Exact name or a glob (`*`, `?`). */
  readonly host?: string;
  /** Exact APP-NAME/tag (`postfix/smtpd`) or a glob (`postfix/*`). */
  readonly app?: string;
  /** Most severe first: records with severity <= this (0 emerg .. 7 debug). */
  readonly maxSeverity?: number;
  /** Matches the mail message id or the RFC 5424 MSGID. */
  readonly msgid?: string;
  /** Substring of the message, case-sensitive. */
  readonly grep?: string;
  /** Most rows returned. */
  readonly limit: number;
  /** `newest`: the last `limit` rows (returned oldest first); `oldest`: the first `limit` rows. */
  readonly from: 'newest' | 'oldest';
}

export interface StoredRecord extends RecordRow {
  readonly id: number;
}

/** How one database spells parameters and times. */
export interface SqlDialect {
  /** The text of parameter number `n` (1-based): `?` or `$n`. */
  param(n: number): string;
  /** A µs time as the parameter value the `time` column compares with. */
  timeValue(us: number): unknown;
  /** `expr` contains the parameter's text as a substring. */
  contains(column: string, param: string): string;
  /** A time column as µs since the epoch, for SELECT. */
  timeOut(column: string): string;
}

export function isGlob(s: string): boolean {
  return /[*?]/.test(s);
}

/** A glob as a LIKE pattern with `\` as the escape character. */
export function globToLike(glob: string): string {
  let out = '';
  for (const c of glob) {
    if (c === '*') out += '%';
    else if (c === '?') out += '_';
    else if (c === '%' || c === '_' || c === '\\') out += '\\' + c;
    else out += c;
  }
  return out;
}

export interface Where {
  readonly sql: string;
  readonly params: unknown[];
}

/** ` WHERE ...` (or '') and its parameters for `q`. */
export function buildWhere(q: RecordQuery, d: SqlDialect): Where {
  const parts: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown): string => {
    params.push(v);
    return d.param(params.length);
  };
  if (q.sinceUs !== undefined) parts.push(`time >= ${p(d.timeValue(q.sinceUs))}`);
  if (q.untilUs !== undefined) parts.push(`time < ${p(d.timeValue(q.untilUs))}`);
  for (const [column, value] of [['host', q.host], ['app', q.app]] as const) {
    if (value === undefined) continue;
    parts.push(isGlob(value) ? `${column} LIKE ${p(globToLike(value))} ESCAPE '\\'` : `${column} = ${p(value)}`);
  }
  if (q.maxSeverity !== undefined) parts.push(`severity <= ${p(q.maxSeverity)}`);
  if (q.msgid !== undefined) {
    const a = p(q.msgid);
    const b = p(q.msgid);
    // The id indexes leave out rows without an id; the `<> ''` terms let both databases use them.
    parts.push(q.msgid === '' ? `(mail_id = ${a} OR msgid = ${b})` : `((mail_id = ${a} AND mail_id <> '') OR (msgid = ${b} AND msgid <> ''))`);
  }
  if (q.grep !== undefined) parts.push(d.contains('message', p(q.grep)));
  return { sql: parts.length ? ` WHERE ${parts.join(' AND ')}` : '', params };
}

/** The columns a query returns, times as µs under `time_us` and `received_us`. */
function columns(d: SqlDialect): string {
  return `id, ${d.timeOut('time')} AS time_us, ${d.timeOut('received')} AS received_us, host, app, procid, msgid, ` +
    'mail_id, facility, severity, level_scheme, level_value, message, dialect, disposition, fields, input, peer';
}

/** The SELECT for `q`; its rows come newest first when `q.from` is `newest` (callers reverse). */
export function buildSelect(q: RecordQuery, d: SqlDialect): Where {
  const w = buildWhere(q, d);
  const order = q.from === 'newest' ? 'DESC' : 'ASC';
  return {
    sql: `SELECT ${columns(d)} FROM records${w.sql} ORDER BY records.time ${order}, records.id ${order} LIMIT ${d.param(w.params.length + 1)}`,
    params: [...w.params, q.limit],
  };
}

/** A row of `buildSelect` as a StoredRecord (drivers may give 64-bit integers as strings). */
export function storedRecord(r: Record<string, unknown>): StoredRecord {
  const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
  const text = (v: unknown): string => (typeof v === 'string' ? v : String(v));
  const orNull = (v: unknown): string | null => (v === null || v === undefined ? null : text(v));
  const fields = r.fields;
  return {
    id: num(r.id),
    timeUs: num(r.time_us),
    receivedUs: num(r.received_us),
    host: text(r.host),
    app: text(r.app),
    procid: text(r.procid),
    msgid: text(r.msgid),
    mailId: text(r.mail_id),
    facility: num(r.facility),
    severity: num(r.severity),
    levelScheme: orNull(r.level_scheme),
    levelValue: r.level_value === null ? null : num(r.level_value),
    message: text(r.message),
    dialect: orNull(r.dialect),
    disposition: orNull(r.disposition),
    fields: fields === null || fields === undefined ? null : typeof fields === 'string' ? fields : JSON.stringify(fields),
    input: text(r.input),
    peer: text(r.peer),
  };
}
