// rejectlog: `epoch: ` then space-separated `KEY="v"`, `KEY=v` or `KEY=[v]` pairs, then the free
// reason text; the heartbeat is `epoch: Marker 1`. Pairs are kept in line order, unknown keys
// included, so a line is written back byte for byte.

import type { DialectError } from '../types.js';
import type { MomentumStamp, RejectItem, RejectlogFields, RejectlogRejection } from './fields.js';
import { decode, encode, epochText, fail, isError, readCount, readEpoch, stampOf } from './lex.js';

const KEY = /[A-Z][A-Z0-9_]*=/y;
const MARKER = /^Marker (0|[1-9][0-9]{0,8})$/;

/** True when the text after `epoch: ` reads as a rejectlog line rather than paniclog text. */
export function looksLikeRejectBody(rest: string): boolean {
  KEY.lastIndex = 0;
  return KEY.test(rest) || MARKER.test(rest);
}

export function parseRejectlog(line: Buffer): RejectlogFields | DialectError {
  const { text, latin1 } = decode(line);
  return readRejectlog(text, latin1);
}

export function readRejectlog(text: string, latin1: boolean): RejectlogFields | DialectError {
  const ts = readEpoch(text);
  if (isError(ts)) return ts;
  if (text[ts.end] !== ':') return fail('bad_separator', `rejectlog epoch followed by ${JSON.stringify(text[ts.end])}`);
  if (ts.end + 1 === text.length) return fail('truncated', 'rejectlog line ends after the epoch');
  if (text[ts.end + 1] !== ' ') return fail('bad_separator', 'rejectlog epoch not followed by ": "');
  const stamp = stampOf(ts, latin1);
  const rest = text.slice(ts.end + 2);
  const marker = MARKER.exec(rest);
  if (marker) return { log: 'rejectlog', type: 'marker', ...stamp, marker: Number(marker[1]) };
  const items: RejectItem[] = [];
  let i = 0;
  let reason: string | null = null;
  for (;;) {
    KEY.lastIndex = i;
    const key = KEY.exec(rest);
    if (!key) {
      reason = rest.slice(i);
      break;
    }
    const at = i + key[0].length;
    const item = readValue(rest, at, key[0].slice(0, -1));
    if (isError(item)) return item;
    items.push(item.item);
    if (item.next === rest.length) break;
    i = item.next + 1; // past the space that follows every value
  }
  return view({ log: 'rejectlog', type: 'rejection', ...stamp, items, reason });
}

/** The value at `at`; `next` is the index just past it (a space or the end of the line). */
function readValue(rest: string, at: number, key: string): { item: RejectItem; next: number } | DialectError {
  const open = rest[at];
  if (open === '"') {
    const close = closing(rest, at + 1, '"', false);
    if (close < 0) return fail('truncated', `${key}: unterminated quoted value`);
    return { item: { key, value: rest.slice(at + 1, close), style: 'quoted' }, next: close + 1 };
  }
  if (open === '[') {
    let close = closing(rest, at + 1, ']', true);
    if (close < 0) close = closing(rest, at + 1, ']', false);
    if (close < 0) return fail('truncated', `${key}: unterminated [context]`);
    return { item: { key, value: rest.slice(at + 1, close), style: 'bracketed' }, next: close + 1 };
  }
  let end = rest.indexOf(' ', at);
  if (end < 0) end = rest.length;
  return { item: { key, value: rest.slice(at, end), style: 'bare' }, next: end };
}

/**
 * The first `ch` from `from` that ends the value: followed by a space or the end of the line and,
 * when `quotes`, outside a `"..."` (a context such as `ehlo_string="EHLO [10.0.0.1]"`).
 */
function closing(s: string, from: number, ch: string, quotes: boolean): number {
  let inQuote = false;
  for (let j = from; j < s.length; j++) {
    const c = s[j];
    if (quotes && c === '"') inQuote = !inQuote;
    else if (c === ch && !inQuote && (j + 1 === s.length || s[j + 1] === ' ')) return j;
  }
  return -1;
}

type Core = Pick<RejectlogRejection, 'log' | 'type' | 'items' | 'reason'> & MomentumStamp;

/** The rejection with its named fields filled from `items` (the first pair of each key wins). */
function view(r: Core): RejectlogRejection | DialectError {
  const get = (k: string): string | null => r.items.find((it) => it.key === k)?.value ?? null;
  const e = get('E');
  let code: number | null = null;
  if (e !== null) {
    const n = readCount(e, 'E (SMTP code)');
    if (isError(n)) return n;
    code = n;
  }
  return {
    ...r, remote: get('R'), local: get('L'), connectionId: get('C'), path: get('PATH'), pathGroup: get('PATH_GRP'),
    phase: get('P'), code, module: get('M'), ctxConn: get('CTXCONN'), ctxMess: get('CTXMESS'),
  };
}

function itemText(it: RejectItem): string {
  switch (it.style) {
    case 'quoted': return `${it.key}="${it.value}"`;
    case 'bracketed': return `${it.key}=[${it.value}]`;
    case 'bare': return `${it.key}=${it.value}`;
  }
}

/** The line as text (no LF), written from `items` and `reason`. */
export function rejectlogText(r: RejectlogFields): string {
  const head = `${epochText(r.epoch, r.epochMicros)}: `;
  if (r.type === 'marker') return `${head}Marker ${r.marker}`;
  const pairs = r.items.map(itemText).join(' ');
  if (r.reason === null) return head + pairs;
  return r.items.length === 0 ? head + r.reason : `${head}${pairs} ${r.reason}`;
}

/** The line as bytes (no LF): byte for byte what `parseRejectlog` read. */
export function formatRejectlog(r: RejectlogFields): Buffer {
  return encode(rejectlogText(r), r.latin1);
}
