// Writes Axigen lines: `formatAxigen` gives back the bytes `parseAxigenLine` read, and
// `formatAxigenLine` writes a Log Service line for any record, as a rule's output file holds them.

import { formatAxigenLevel, parseAxigenLevel } from '../../levels/axigen.js';
import type { AxigenFields } from './fields.js';
import { stampOf, stampText } from './stamp.js';

function head(f: AxigenFields): string {
  const tail = `${f.service}:${f.session}: `;
  if (f.shape === 'bare') return tail;
  const written = /^\d{1,2}$/.test(f.levelText) && parseAxigenLevel(f.levelText) === f.level;
  const ll = written ? f.levelText : formatAxigenLevel(f.level) ?? f.levelText;
  return `${stampText(f.stamp)} ${ll} ${f.host} ${tail}`;
}

/** The line the fields were read from, byte for byte (no trailing LF). */
export function formatAxigen(f: AxigenFields): Buffer {
  const h = head(f);
  const n = Buffer.byteLength(h, 'utf8');
  const out = Buffer.allocUnsafe(n + f.message.length);
  out.write(h, 0, 'utf8');
  f.message.copy(out, n);
  return out;
}

/** What `formatAxigenLine` needs from a record. */
export type AxigenLineInput = {
  /** ms since the epoch. */
  readonly time: number;
  /** Offset the stamp is written in; null (or not a whole offset within ±23:59) writes UTC. */
  readonly zoneOffsetMin: number | null;
  readonly levelBit: number;
  readonly host: string;
  readonly service: string;
  readonly session: string;
  readonly message: Buffer;
};

/** A token the line can carry: visible ASCII, no `:` where one would end the field, `-` if empty. */
function token(s: string, noColon: boolean): string {
  const t = s.replace(noColon ? /[^\x21-\x39\x3b-\x7e]/g : /[^\x21-\x7e]/g, '_');
  return t === '' ? '-' : t;
}

/** The line's level: the bit itself, the most severe bit of a mask, or info (8) when none is set. */
function lineBit(bit: number): number {
  if (formatAxigenLevel(bit) !== null) return bit;
  const m = bit & 31;
  return m === 0 ? 8 : m & -m;
}

/**
 * A Log Service line for any record. Every field is made writable so the line always reads back:
 * the time is clamped to years 0000..9999 and cut to the second, other characters in host,
 * service and session become `_`, and an empty one `-`. The message is written as given.
 */
export function formatAxigenLine(r: AxigenLineInput): Buffer {
  const bit = lineBit(r.levelBit);
  const h = `${stampText(stampOf(r.time, r.zoneOffsetMin))} ${formatAxigenLevel(bit)} ${token(r.host, false)} ` +
    `${token(r.service, true)}:${token(r.session, true)}: `;
  const out = Buffer.allocUnsafe(h.length + r.message.length);
  out.write(h, 0, 'latin1');
  r.message.copy(out, h.length);
  return out;
}
