// What `maillogctl query` and `trace` need besides the store: reading times and severities as an
// admin types them, and printing records as a table, JSON lines or syslog lines.

import type { StoredRecord } from '../db/query.js';
import { severityName } from '../levels/syslog.js';

const RELATIVE = /^(\d+)\s*(s|sec|m|min|h|hour|d|day|w|week)s?(\s+ago)?$/i;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/;

/**
 * A time as µs since the epoch: `now`, `today`, `yesterday`, a span back from now (`15m`, `2h`,
 * `3 days ago`), a local date and time (`2026-11-22`, `2026-11-22 10:00`, `2026-11-22T10:00:05.25`)
 * or ISO 8601 with a zone (`2026-11-22T10:00:00Z`, `...+01:00`). null when unreadable.
 */
export function parseWhen(text: string, nowMs = Date.now()): number | null {
  const s = text.trim();
  if (s === 'now') return nowMs * 1000;
  if (s === 'today' || s === 'yesterday') {
    const d = new Date(nowMs);
    d.setHours(0, 0, 0, 0);
    if (s === 'yesterday') d.setDate(d.getDate() - 1);
    return d.getTime() * 1000;
  }
  const rel = RELATIVE.exec(s);
  if (rel) return (nowMs - Number(rel[1]) * UNIT_MS[rel[2]![0]!.toLowerCase()]!) * 1000;
  const local = LOCAL.exec(s);
  if (local) {
    const [, y, mo, d, h, mi, se, frac] = local;
    const ms = new Date(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(se ?? 0)).getTime();
    const back = new Date(ms);
    if (Number.isNaN(ms) || back.getMonth() !== Number(mo) - 1 || back.getDate() !== Number(d) || Number(h ?? 0) > 23 ||
      Number(mi ?? 0) > 59 || Number(se ?? 0) > 59) return null;
    return ms * 1000 + Number((frac ?? '').padEnd(6, '0'));
  }
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
    const fracMatch = /\.(\d+)/.exec(s);
    const ms = Date.parse(s.replace(/\.\d+/, ''));
    if (Number.isNaN(ms)) return null;
    return ms * 1000 + Number((fracMatch?.[1] ?? '').slice(0, 6).padEnd(6, '0'));
  }
  return null;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local time with µs: `2026-11-22 10:00:05.123456`. */
export function formatLocalUs(us: number): string {
  const ms = Math.floor(us / 1000);
  const d = new Date(ms);
  const micros = String(((us % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0');
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${micros}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function tag(r: StoredRecord): string {
  return r.app === '' ? '' : r.procid === '' ? `${r.app}:` : `${r.app}[${r.procid}]:`;
}

/** The record as the traditional syslog line the file outputs write. */
export function syslogLine(r: StoredRecord): string {
  const d = new Date(Math.floor(r.timeUs / 1000));
  const stamp = `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  const t = tag(r);
  return `${stamp} ${r.host} ${t}${t ? ' ' : ''}${r.message}`;
}

export function jsonLine(r: StoredRecord): string {
  return JSON.stringify({
    id: r.id,
    time: new Date(Math.floor(r.timeUs / 1000)).toISOString().replace(/\.(\d{3})Z$/, `.$1${String(r.timeUs % 1000).padStart(3, '0')}Z`),
    host: r.host, app: r.app, procid: r.procid, msgid: r.msgid, mail_id: r.mailId,
    facility: r.facility, severity: severityName(r.severity) ?? r.severity,
    level: r.levelScheme === null ? null : { scheme: r.levelScheme, value: r.levelValue },
    dialect: r.dialect, disposition: r.disposition,
    fields: r.fields === null ? null : JSON.parse(r.fields) as unknown,
    message: r.message, input: r.input, peer: r.peer,
  });
}

/** Aligned columns: time, host, severity, tag, mail id, message (never cut). */
export function tableLines(rows: readonly StoredRecord[]): string[] {
  const cells = rows.map((r) => [formatLocalUs(r.timeUs), r.host, severityName(r.severity) ?? String(r.severity), tag(r) || '-', r.mailId || '-']);
  const head = ['TIME', 'HOST', 'SEVERITY', 'TAG', 'MAIL-ID'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[], msg: string) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ') + '  ' + msg;
  return [line(head, 'MESSAGE'), ...cells.map((c, i) => line(c, rows[i]!.message))];
}
