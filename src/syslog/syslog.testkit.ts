// Shared by the syslog tests: a parse helper, and fast-check arbitraries that generate record
// fields within the grammar the parser and serialisers agree on.

import fc from 'fast-check';
import { LogRecord } from '../record.js';
import { ByteSink } from '../util/bytesink.js';
import { parseRecord } from './parse.js';
import type { SdElement } from './sd.js';

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

// Characters for header tokens: printable ASCII, and a few multi-byte UTF-8 ones (~7%).
const WIDE = ['é', 'ü', 'ß', '日', '本', '€', '😀'];
const ASCII = Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i));
const chars = (exclude: string, wide: boolean): fc.Arbitrary<string> =>
  fc.constantFrom(...ASCII.filter((c) => !exclude.includes(c)), ...(wide ? WIDE : []));

/** A non-empty token without SP, controls or the `exclude` characters. */
export const token = (exclude = '', maxLength = 24): fc.Arbitrary<string> =>
  fc.string({ unit: chars(exclude, true), minLength: 1, maxLength });

/** MSG bytes: anything but controls (TAB allowed), invalid UTF-8 included. */
export const msgBytes: fc.Arbitrary<Buffer> = fc
  .array(fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
    { weight: 1, arbitrary: fc.constant(0x09) },
  ), { maxLength: 80 })
  .map((a) => Buffer.from(a));

const sdName = fc.string({ unit: chars('= ]"', false), minLength: 1, maxLength: 12 });
const sdValue = fc.string({ unit: fc.oneof({ weight: 4, arbitrary: chars('', true) }, { weight: 2, arbitrary: fc.constantFrom('"', '\\', ']', ' ', '\\"', '[') }), maxLength: 12 });
export const sdElements: fc.Arbitrary<SdElement[]> = fc.array(
  fc.tuple(sdName, fc.array(fc.tuple(sdName, sdValue), { maxLength: 3 })).map(([id, params]) => ({ id, params })),
  { maxLength: 3 },
);
