import assert from 'node:assert/strict';
import fc from 'fast-check';
import { authEntry } from './authlog.js';
import { readEntry } from './entry.js';
import { MMDF_MARKERS, MMDF_PHASES, type MmdfEntry, type MmdfFields, type MmdfPrefix } from './fields.js';
import { MMDF_REASONS } from './errors.js';
import { MMDF_GOLDEN } from './fixtures.js';
import { mmdfDialect } from './index.js';
import { MMDF_STATUSES, statusText } from './status.js';
import { parseTailor } from './tailor.js';

const RUNS = 20_000;

/** fc.record() builds null-prototype objects; the parser builds plain ones. */
const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

const chars = (set: string): fc.Arbitrary<string> => fc.constantFrom(...set);
/** No spaces, no parens, no `*`: a queue, host, login or channel name. */
const word = fc.string({ unit: chars('abcxyz019.-_@!:/\'é中'), maxLength: 8 });
const nonEmptyWord = fc.string({ unit: chars('abcxyz019.-_@é'), minLength: 1, maxLength: 8 });
const free = fc.string({ unit: chars('ab ():*[]\t-\'=é中019'), maxLength: 20 });
const count = fc.integer({ min: -999, max: 999_999_999_999_999 });
const status = fc.oneof(fc.constantFrom(...MMDF_STATUSES.map((s) => s.name)), fc.integer({ min: 0, max: 255 }).map(statusText));
const protocol = fc.option(fc.oneof(fc.constantFrom('', 'SMTP', 'ESMTP'), word), { nil: null });
const msg = nonEmptyWord.map((w) => `msg.${w}`);

const small = (hi: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: hi });
const trimmedFor = (first: number): fc.Arbitrary<boolean> => (first < 10 ? fc.boolean() : fc.constant(false));

const longPrefix: fc.Arbitrary<MmdfPrefix> = fc.record({
  month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }), hour: small(23),
  minute: small(59), second: small(60),
  tag: fc.string({ unit: chars('SBDLG-0129 :x'), maxLength: 10 }).filter((t) => !t.includes(':  ')),
}).chain((p) => trimmedFor(p.month).map((trimmed) => ({ form: 'long' as const, ...p, trimmed })));

const shortPrefix: fc.Arbitrary<MmdfPrefix> = fc.record({ minute: small(59), second: small(60) })
  .chain((p) => trimmedFor(p.minute).map((trimmed) => ({ form: 'short' as const, ...p, trimmed })));

const freeText = free.filter((s) => {
  const e = readEntry(s);
  return !('ok' in e) && e.kind === 'text';
});

const entry: fc.Arbitrary<MmdfEntry> = fc.oneof(
  fc.record({ kind: fc.constant('lin' as const), msg, naddrs: count, bytes: count, queue: word, login: word, protocol }),
  fc.record({ kind: fc.constant('rin' as const), msg, naddrs: count, bytes: count, queue: word, host: word, sender: word, protocol }),
  fc.record({
    kind: fc.constant('end' as const), msg, status, queue: word, chan: fc.option(word, { nil: null }), host: word,
    mailbox: free, latencySecs: fc.integer({ min: 0, max: 10 ** 13 }),
  }),
  fc.record({ kind: fc.constant('end_error' as const), msg, status, chanShow: free, chanName: word }),
  fc.record({ kind: fc.constant('chan_phase' as const), phase: fc.constantFrom(...MMDF_PHASES) }),
  fc.record({ kind: fc.constant('chan_msg' as const), direction: fc.constantFrom('rmsg' as const, 'wmsg' as const), naddrs: count, bytes: count }),
  fc.record({ kind: fc.constant('chan_end' as const), status, durationSecs: fc.option(count, { nil: null }) }),
  fc.tuple(msg, free).map(([m, t]) => authEntry(m, t)),
  fc.record({ kind: fc.constant('open' as const), fd: count }),
  freeText.map((text) => ({ kind: 'text' as const, text })),
);

const fields: fc.Arbitrary<MmdfFields> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ prefix: fc.oneof(longPrefix, shortPrefix), entry }) },
  { weight: 1, arbitrary: fc.constantFrom(...MMDF_MARKERS).map((text) => ({ prefix: { form: 'none' as const }, entry: { kind: 'marker' as const, text } })) },
);

/** Pieces of real lines, so random joins reach deep into the readers. */
const prefixPiece = fc.constantFrom(' 4/29  9:02:15 SB-1234:  ', '4/29  9:02:15 AU-0000:  ', ' 2:15 ', '12/31 23:59:59 x:  ', '');
const headPiece = fc.constantFrom('lin msg.a (', 'rin msg.a (', 'end msg.a (', 'end (', 'rmsg ', 'wmsg ', 'msg.a: ',
  '---  OPEN  ---(', '');
const piece = fc.constantFrom(
  'msg.a', ' (', '(', ')', ') ', ', ', '1', '0', '7', '-', '  ', ' ', ' ', ' ', '[', ']', ':', ': ', '** ', ' error **', 'a ',
  'c', '\t', 's', 'OK', 'NDEL', '*** Illegal:  0237', "='x'", 'SMTP', 'CYCLED  ***', '\u00e9', '\uffff', 'x', 'local',
);
const mmdfish = fc.tuple(prefixPiece, headPiece, fc.array(piece, { maxLength: 16 }))
  .map(([p, h, b]) => Buffer.from(p + h + b.join(''), 'utf8'));

/** A golden line with one stretch replaced: near misses of every entry kind. */
const nearMiss = fc.tuple(fc.constantFrom(...MMDF_GOLDEN.map((g) => g.line)), fc.nat(), fc.nat({ max: 4 }), piece)
  .map(([line, at, len, ins]) => {
    const i = at % (line.length + 1);
    return Buffer.from(line.slice(0, i) + ins + line.slice(i + len), 'utf8');
  });

describe('dialects/mmdf properties', () => {
  it('format then parse gives the fields back', () => {
    fc.assert(fc.property(fields, (f) => {
      const r = mmdfDialect.parse(mmdfDialect.format(f));
      assert.ok(r.ok, JSON.stringify(r));
      assert.deepEqual(r.fields, plain(f));
    }), { numRuns: RUNS });
  });

  it('never throws on arbitrary bytes, and what reads writes back byte for byte', () => {
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 60 }).map((a) => Buffer.from(a)), mmdfish, nearMiss);
    fc.assert(fc.property(bytes, (b) => {
      mmdfDialect.looksLike(b);
      const r = mmdfDialect.parse(b);
      if (r.ok) assert.ok(mmdfDialect.format(r.fields).equals(b), JSON.stringify(b.toString()));
      else assert.ok((MMDF_REASONS as readonly string[]).includes(r.reason), r.reason);
    }), { numRuns: RUNS });
  });

  it('never throws on arbitrary tailor text', () => {
    const text = fc.array(fc.constantFrom('MMSGLOG', 'mlogdir', ' ', '\t', '\n', ',', '=', '"', '\\', '#', ';', 'level',
      'stat', 'size', 'hdr', 'fst', '12', '017', 'some', 'x.log', '/usr/mmdf/log', '8'), { maxLength: 20 }).map((p) => p.join(''));
    fc.assert(fc.property(fc.oneof(text, fc.string()), (t) => {
      const r = parseTailor(t);
      assert.equal(typeof r.ok, 'boolean');
    }), { numRuns: RUNS });
  });
});
