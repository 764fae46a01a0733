// Property tests: generated fields survive format → parse unchanged, and no input, however
// mangled, makes a parser throw; whatever parses is written back byte for byte.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { EmgConnectorFields } from './connector.js';
import { SAMPLE_LINES, SEND_ERR_EXAMPLE } from './fixtures.js';
import { emgDialect } from './index.js';
import type { EmgInfoItem } from './info.js';
import { formatServerLine, parseServerLine, type EmgServerFields } from './server.js';
import type { EmgTime } from './time.js';
import { EMG_EVENTS } from './events.js';
import { EMG_LEVELS } from '../../levels/emg.js';

const RUNS = 20_000;
/** Plain objects, as the parsers build them, so deepEqual compares like with like. */
const PLAIN = { noNullPrototype: true } as const;

const timeArb: fc.Arbitrary<EmgTime> = fc
  .record({
    year: fc.option(fc.integer({ min: 0, max: 9999 }), { nil: null }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 60 }),
    frac: fc.oneof(fc.integer({ min: 0, max: 999 }).map((ms) => [3, ms * 1000] as const), fc.integer({ min: 0, max: 999_999 }).map((us) => [6, us] as const)),
    spaceDay: fc.boolean(),
  }, PLAIN)
  .map(({ frac, spaceDay, ...t }) => ({ ...t, micros: frac[1], fracDigits: frac[0], spaceDay: spaceDay && t.year === null && t.day < 10 }));

/** Text made of the characters that matter to the parser, ASCII and some non-ASCII. */
function text(exclude: string, minLength = 0): fc.Arbitrary<string> {
  const unit = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...' ()=,":/.-_aZ09'.split('')) },
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.constantFrom('ä', '€', '𝄞', '\t', '\r') },
  ).filter((c) => !exclude.includes(c));
  return fc.string({ unit, minLength, maxLength: 12 });
}

const infoArb: fc.Arbitrary<EmgInfoItem> = fc.oneof(
  text('=,)"', 1).map((key) => ({ key, value: null, quoted: false })),
  fc.record({ key: text('=,)"', 1), value: text(',)"'), quoted: fc.constant(false) }, PLAIN),
  fc.record({ key: text('=,)"', 1), value: text('"'), quoted: fc.constant(true) }, PLAIN),
);

const fieldsArb: fc.Arbitrary<EmgConnectorFields> = fc.record({
  time: timeArb,
  instance: text('()', 1),
  event: fc.constantFrom(...EMG_EVENTS.map((e) => e.name)),
  ok: fc.boolean(),
  info: fc.array(infoArb, { maxLength: 4 }),
  options: fc.array(fc.record({ number: fc.integer({ min: 0, max: 999 }), value: text(' ') }, PLAIN), { maxLength: 6 }),
}, PLAIN);

const LEVEL_NAMES = EMG_LEVELS.map((l) => l.name);
const serverArb: fc.Arbitrary<EmgServerFields> = fc
  .record({ time: timeArb, level: fc.option(fc.constantFrom(...LEVEL_NAMES), { nil: null }), text: text('') }, PLAIN)
  // A text that itself starts with `[LEVEL] ` reads back as a level: not a round trip.
  .filter((f) => f.level !== null || !LEVEL_NAMES.some((n) => f.text.startsWith(`[${n}] `)));

const SEEDS = [...SAMPLE_LINES.map((s) => s.line), SEND_ERR_EXAMPLE, '2002-09-11 22:34:34.306123 (x y) REJECT ERR (info="a,b") 008:1'];

/** A real line with a few bytes replaced, inserted or cut, or plain random bytes. */
const bytesArb: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 96 }).map((a) => Buffer.from(a)),
  fc
    .tuple(
      fc.constantFrom(...SEEDS),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 2 }), fc.constantFrom(0x20, 0x28, 0x29, 0x22, 0x2c, 0x3d, 0x3a, 0x30, 0x39, 0x2e, 0xc3, 0xff, 0x0a)), { minLength: 1, maxLength: 4 }),
    )
    .map(([line, edits]) => {
      const b = [...Buffer.from(line)];
      for (const [pos, kind, byte] of edits) {
        const at = pos % (b.length + 1);
        if (kind === 0) b[at] = byte;
        else if (kind === 1) b.splice(at, 0, byte);
        else b.length = at;
      }
      return Buffer.from(b);
    }),
);

describe('dialects/emg properties', () => {
  it('connector fields → format → parse gives the same fields', () => {
    fc.assert(
      fc.property(fieldsArb, (f) => {
        const line = emgDialect.format(f);
        assert.equal(emgDialect.looksLike(line), true);
        const r = emgDialect.parse(line);
        assert.ok(r.ok, r.ok ? '' : `${r.reason}: ${r.detail}`);
        assert.deepEqual(r.fields, f);
      }),
      { numRuns: RUNS },
    );
  });

  it('server fields → format → parse gives the same fields', () => {
    fc.assert(
      fc.property(serverArb, (f) => {
        const r = parseServerLine(formatServerLine(f));
        assert.ok(r.ok);
        assert.deepEqual(r.fields, f);
      }),
      { numRuns: RUNS },
    );
  });

  it('arbitrary bytes never throw, and what parses is written back byte for byte', () => {
    fc.assert(
      fc.property(bytesArb, (b) => {
        const looks = emgDialect.looksLike(b);
        const r = emgDialect.parse(b);
        if (r.ok) {
          assert.equal(looks, true);
          assert.deepEqual(emgDialect.format(r.fields), b);
        }
        const s = parseServerLine(b);
        if (s.ok) assert.deepEqual(formatServerLine(s.fields), b);
      }),
      { numRuns: RUNS },
    );
  });
});
