// Shared by the syslog tests: a parse helper, and fast-check arbitraries that generate record
// fields within the grammar the parser and serialisers agree on.

import fc from 'fast-check';
import { LogRecord } from '../record.js';
import { ByteSink } from '../util/bytesink.js';
import { parseRecord } from './parse.js';
import type { SdElement } from './sd.js';

export const DAY_MS = 86_400_000;
/** A fixed receive time, so tests do not depend on the day they run: 2026-06-15T12:00:00Z. */
export const RECEIVED = Date.UTC(2026, 5, 15, 12, 0, 0);

export function parse(line: string | Buffer, fallbackHost = 'fallback', receivedAt = RECEIVED): LogRecord {
  const rec = new LogRecord(typeof line === 'string' ? Buffer.from(line) : line, receivedAt, 'test', '');
  parseRecord(rec, fallbackHost);
  return rec;
}

/** Runs a formatter/serialiser on one record and returns the bytes. */
export function render(rec: LogRecord, write: (rec: LogRecord, out: ByteSink) => void): Buffer {
  const out = new ByteSink(64);
  write(rec, out);
  return out.take();
}

/** Local wall clock of an instant, for comparing times across DST changes. */
export function wallClock(ms: number): string {
  const d = new Date(ms);
  return [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()].join(' ');
}

// Characters for header tokens: mostly printable ASCII, sometimes multi-byte UTF-8.
const WIDE = ['é', 'ü', 'ß', '日', '本', '€', '😀'];
const asciiChar = (exclude: string): fc.Arbitrary<string> =>
  fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)).filter((c) => !exclude.includes(c));
const tokenChar = (exclude: string): fc.Arbitrary<string> =>
  fc.oneof({ weight: 20, arbitrary: asciiChar(exclude) }, { weight: 1, arbitrary: fc.constantFrom(...WIDE) });

/** A non-empty token without SP, controls or the `exclude` characters. */
export const token = (exclude = '', maxLength = 24): fc.Arbitrary<string> =>
  fc.array(tokenChar(exclude), { minLength: 1, maxLength }).map((a) => a.join(''));

/** MSG bytes: anything but controls (TAB allowed), invalid UTF-8 included. */
export const msgBytes: fc.Arbitrary<Buffer> = fc
  .array(fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
    { weight: 1, arbitrary: fc.constant(0x09) },
  ), { maxLength: 80 })
  .map((a) => Buffer.from(a));

const sdName = fc.array(asciiChar('= ]"'), { minLength: 1, maxLength: 12 }).map((a) => a.join(''));
const sdValue = fc
  .array(fc.oneof({ weight: 4, arbitrary: tokenChar('') }, { weight: 2, arbitrary: fc.constantFrom('"', '\\', ']', ' ', '\\"', '[') }), { maxLength: 12 })
  .map((a) => a.join(''));
export const sdElements: fc.Arbitrary<SdElement[]> = fc.array(
  fc.tuple(sdName, fc.array(fc.tuple(sdName, sdValue), { maxLength: 3 })).map(([id, params]) => ({ id, params })),
  { maxLength: 3 },
);
