// Timestamps for output, cached per second: formatting a date is the main cost of writing a
// record, and consecutive records almost always fall in the same second.

import type { ByteSink } from '../util/bytesink.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

// The cached second as the range of ms [from, to), and its 16 bytes as four little-endian words
// (four stores instead of a 16-byte copy). Typed arrays held by `const`s: the JIT reads them
// directly, where a module-level `let` costs a check on every read and boxes its number.
const bsdRange = new Float64Array([NaN, NaN]);
const bsdWords = new Int32Array(4);
const bsdBytes = Buffer.alloc(16);

/** Appends `Mmm dd HH:MM:SS ` (day space-padded, trailing SP) in the daemon's local time. */
export function writeBsdStamp(out: ByteSink, ms: number): void {
  if (!(ms >= bsdRange[0]! && ms < bsdRange[1]!)) {
    const sec = Math.floor(ms / 1000);
    const d = new Date(sec * 1000);
    const day = d.getDate();
    const text = `${MONTHS[d.getMonth()]} ${day < 10 ? ' ' + day : day} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} `;
    bsdBytes.write(text, 0, 'latin1');
    for (let k = 0; k < 4; k++) bsdWords[k] = bsdBytes.readInt32LE(k * 4);
    bsdRange[0] = sec * 1000;
    bsdRange[1] = sec * 1000 + 1000;
  }
  out.ensure(16);
  const data = out.data;
  const at = out.len;
  data.setInt32(at, bsdWords[0]!, true);
  data.setInt32(at + 4, bsdWords[1]!, true);
  data.setInt32(at + 8, bsdWords[2]!, true);
  data.setInt32(at + 12, bsdWords[3]!, true);
  out.len = at + 16;
}

/** `+HH:MM`, `-HH:MM`, or `Z` for UTC. */
export function zoneText(offsetMin: number): string {
  if (offsetMin === 0) return 'Z';
  const a = Math.abs(offsetMin);
  return `${offsetMin < 0 ? '-' : '+'}${pad2(Math.floor(a / 60))}:${pad2(a % 60)}`;
}

/** `YYYY-MM-DDTHH:MM:SS` of the second `sec` seen at `offsetMin` from UTC. */
function civil(sec: number, offsetMin: number): string {
  const d = new Date(sec * 1000 + offsetMin * 60_000);
  const y = d.getUTCFullYear();
  const year = y >= 1000 ? String(y) : String(y).padStart(4, '0');
  return `${year}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

// One cache for stamps in the daemon's zone, one for stamps in a sender's zone.
let localSecond = NaN;
let localBase = '';
let localZone = '';
let fixedSecond = NaN;
let fixedOffset = NaN;
let fixedBase = '';
let fixedZone = '';

/**
 * RFC 3339 text of `ms` + `micros` µs, with `digits` (0..6) fractional digits, at `offsetMin`
 * from UTC, or in the daemon's local zone when null.
 */
export function rfc3339(ms: number, micros: number, digits: number, offsetMin: number | null): string {
  const sec = Math.floor(ms / 1000);
  let text: string;
  let zone: string;
  if (offsetMin === null) {
    if (sec !== localSecond) {
      const off = -new Date(sec * 1000).getTimezoneOffset();
      localBase = civil(sec, off);
      localZone = zoneText(off);
      localSecond = sec;
    }
    text = localBase;
    zone = localZone;
  } else {
    if (sec !== fixedSecond || offsetMin !== fixedOffset) {
      fixedBase = civil(sec, offsetMin);
      fixedZone = zoneText(offsetMin);
      fixedSecond = sec;
      fixedOffset = offsetMin;
    }
    text = fixedBase;
    zone = fixedZone;
  }
  if (digits > 0) {
    const frac = String((ms - sec * 1000) * 1000 + micros).padStart(6, '0');
    text += '.' + (digits >= 6 ? frac : frac.slice(0, digits));
  }
  return text + zone;
}
