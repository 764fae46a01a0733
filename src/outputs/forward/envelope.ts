// What a `forward` output sends for each record, and how an aggregator reads it back. The RELP
// `syslog` data is an RFC 5424 message (so any RELP receiver, rsyslog's imrelp included, can take
// it) whose header repeats the record's own, whose structured data names where it comes from:
//   [maillogd@32473 node="mx1" subcluster="eu" log="mainlog" journal="9f…" seq="812" input="relp" peer="10.0.0.7" received="1763804544123"]
// and whose MSG is the frame exactly as the node received it. The aggregator parses that frame
// again, so it writes what the node would have written; (node, subcluster, log, journal, seq)
// identifies the record.

import { LogRecord, RecordFlag } from '../../record.js';
import { escapeSdValue } from '../../syslog/sd.js';
import { parseRecord } from '../../syslog/parse.js';
import { rfc3339 } from '../../syslog/timefmt.js';

/** SD-ID of the cluster element (32473 is the documentation enterprise number of RFC 5612). */
export const CLUSTER_SD_ID = 'maillogd@32473';

export interface Origin {
  readonly node: string;
  readonly subcluster: string;
  readonly log: string;
  /** The node journal's identity ('' when the sender gave none): seqs count within one journal. */
  readonly journal: string;
}

export interface ClusterRecord extends Origin {
  readonly seq: number;
  /** The record as the node had it, parsed again. */
  readonly record: LogRecord;
}

/** A header field as RFC 5424 allows it: PRINTUSASCII, at most `max` characters, `-` when empty. */
function headerField(value: string, max: number): string {
  if (value === '') return '-';
  let plain = value.length <= max;
  for (let i = 0; plain && i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) plain = false;
  }
  if (plain) return value;
  let out = '';
  for (let i = 0; i < value.length && out.length < max; i++) {
    const c = value.charCodeAt(i);
    out += c > 0x20 && c < 0x7f ? value[i] : '_';
  }
  return out;
}

const sdParam = (name: string, value: string): string => ` ${name}="${escapeSdValue(value)}"`;

/** `[maillogd@32473 node=".." subcluster=".." log=".."`, made once per origin. */
const originSd = new WeakMap<Origin, string>();
/** ` input=".." peer=".."` of the last record encoded (a batch mostly shares them). */
let lastSource = { input: '', peer: '', text: ' input="" peer=""' };

/** The RELP data for one record read from the journal (its journalSeq set). */
export function encodeForward(rec: LogRecord, origin: Origin): Buffer {
  let head0 = originSd.get(origin);
  if (head0 === undefined) {
    head0 = `[${CLUSTER_SD_ID}${sdParam('node', origin.node)}${sdParam('subcluster', origin.subcluster)}${sdParam('log', origin.log)}` +
      (origin.journal ? sdParam('journal', origin.journal) : '');
    originSd.set(origin, head0);
  }
  if (rec.input !== lastSource.input || rec.peer !== lastSource.peer) {
    lastSource = { input: rec.input, peer: rec.peer, text: `${sdParam('input', rec.input)}${sdParam('peer', rec.peer)}` };
  }
  let sd = `${head0} seq="${rec.journalSeq}"${lastSource.text} received="${Math.round(rec.receivedAt)}"`;
  if (rec.flags & RecordFlag.NO_HOSTNAME) sd += sdParam('host', rec.hostname);
  if (rec.flags & RecordFlag.TRUNCATED) sd += ' truncated="1"';
  sd += ']';
  const pri = ((rec.facility & 31) * 8 + (rec.severity & 7));
  const head = `<${pri}>1 ${rfc3339(rec.time, rec.timeMicros, rec.timeFracDigits, rec.tzOffsetMin)} ` +
    `${headerField(rec.hostname, 255)} ${headerField(rec.app, 48)} ${headerField(rec.procid, 128)} ` +
    `${headerField(rec.msgid, 32)} ${sd} `;
  const n = Buffer.byteLength(head);
  const out = Buffer.allocUnsafe(n + rec.raw.length);
  out.write(head, 0, 'utf8');
  rec.raw.copy(out, n);
  return out;
}

const OPEN = `[${CLUSTER_SD_ID}`;
const BACKSLASH = 0x5c;

/** The params of the cluster element in SD text (values unescaped), or null when it has none or a broken one. */
export function clusterParams(sd: string): Map<string, string> | null {
  let at = sd.indexOf(OPEN);
  // The SD-ID ends at SP or `]` (not `[maillogd@32473x`).
  while (at >= 0 && sd.charCodeAt(at + OPEN.length) !== 0x20 && sd.charCodeAt(at + OPEN.length) !== 0x5d) at = sd.indexOf(OPEN, at + 1);
  if (at < 0) return null;
  const out = new Map<string, string>();
  let i = at + OPEN.length;
  while (sd.charCodeAt(i) === 0x20) {
    const eq = sd.indexOf('="', i + 1);
    if (eq < 0) return null;
    const name = sd.slice(i + 1, eq);
    // The closing quote is the first one not escaped by an odd run of backslashes.
    let q = eq + 1;
    for (;;) {
      q = sd.indexOf('"', q + 1);
      if (q < 0) return null;
      let b = 0;
      while (sd.charCodeAt(q - 1 - b) === BACKSLASH) b++;
      if ((b & 1) === 0) break;
    }
    const raw = sd.slice(eq + 2, q);
    out.set(name, raw.includes('\\') ? raw.replace(/\\(["\\\]])/g, '$1') : raw);
    i = q + 1;
  }
  return sd.charCodeAt(i) === 0x5d ? out : null;
}

/**
 * The forwarded record inside a record an aggregator received, or null when it carries no
 * cluster element (a plain syslog sender) or an unusable one.
 */
export function decodeForward(outer: LogRecord): ClusterRecord | null {
  const p = clusterParams(outer.sd);
  if (!p) return null;
  const node = p.get('node');
  const seq = Number(p.get('seq'));
  if (!node || !Number.isSafeInteger(seq) || seq <= 0) return null;
  const received = Number(p.get('received'));
  const input = p.get('input') ?? '';
  const peer = p.get('peer') ?? '';
  // A frame that itself began with EF BB BF lost it to the outer parser as a BOM: it is put back.
  const start = outer.flags & RecordFlag.BOM ? outer.msgOffset - 3 : outer.msgOffset;
  const inner = new LogRecord(Buffer.from(outer.raw.subarray(start)),
    Number.isFinite(received) ? received : outer.receivedAt, input, peer);
  parseRecord(inner, p.get('host') ?? (peer || node));
  if (p.get('truncated') === '1') inner.flags |= RecordFlag.TRUNCATED;
  return { node, subcluster: p.get('subcluster') || 'default', log: p.get('log') || 'mainlog', journal: p.get('journal') ?? '', seq, record: inner };
}
