import assert from 'node:assert/strict';
import { AXIGEN_BAD_LINES, AXIGEN_SAMPLES } from './fixtures.js';
import { parseAxigenLine } from './parse.js';

const parse = (s: string) => parseAxigenLine(Buffer.from(s, 'latin1'));

describe('dialects/axigen parse', () => {
  for (const s of AXIGEN_SAMPLES) {
    it(`reads ${s.name}`, () => {
      assert.deepEqual(parse(s.line), s.fields);
    });
  }

  for (const bad of AXIGEN_BAD_LINES) {
    it(`gives reason ${bad.reason} for ${bad.what}`, () => {
      const r = parse(bad.line);
      assert.ok('ok' in r, 'a DialectError');
      assert.equal(r.ok, false);
      assert.equal(r.reason, bad.reason);
      assert.ok(r.detail.startsWith(`${bad.reason}: `));
    });
  }

  it('reads zones +0000, +0545, -0330 and -0000 into minutes, keeping the written text', () => {
    const zones: [string, number][] = [['+0000', 0], ['+0545', 345], ['-0330', -210], ['-0000', 0], ['+2359', 1439]];
    for (const [zone, min] of zones) {
      const r = parse(`2026-01-15 10:00:00 ${zone} 08 h S:1: m`);
      assert.ok(!('ok' in r) && r.shape === 'line');
      assert.equal(r.stamp.zone, zone);
      assert.ok(Object.is(r.stamp.zoneOffsetMin, min));
      assert.equal(r.stamp.time, Date.UTC(2026, 0, 15, 10, 0, 0) - min * 60_000);
    }
  });

  it('takes a one-digit LL and keeps it as written', () => {
    const r = parse('2026-01-15 10:00:00 +0000 8 h SMTP-IN:00000022: m');
    assert.ok(!('ok' in r) && r.shape === 'line');
    assert.equal(r.level, 8);
    assert.equal(r.levelText, '8');
  });

  it('accepts any service and session token in a full line', () => {
    const r = parse('2026-01-15 10:00:00 +0000 04 h custom.module_1:abc-DEF/9: m');
    assert.ok(!('ok' in r) && r.shape === 'line');
    assert.equal(r.service, 'custom.module_1');
    assert.equal(r.session, 'abc-DEF/9');
  });

  it('keeps the message byte for byte: colons, tabs, CR, invalid UTF-8', () => {
    const msg = Buffer.from([0x3a, 0x20, 0x09, 0x0d, 0xff, 0xc3, 0x28, 0x00, 0x0a, 0x20]);
    const line = Buffer.concat([Buffer.from('2026-01-15 10:00:00 +0000 08 h SMTP-OUT:0000A1B2: '), msg]);
    const r = parseAxigenLine(line);
    assert.ok(!('ok' in r));
    assert.deepEqual(r.message, msg);
  });

  it('takes a leap day and the year 0000', () => {
    const r = parse('2024-02-29 00:00:00 +0000 01 h S:1: m');
    assert.ok(!('ok' in r) && r.shape === 'line');
    assert.equal(r.stamp.time, Date.UTC(2024, 1, 29));
    const z = parse('0000-01-01 00:00:00 +0000 01 h S:1: m');
    assert.ok(!('ok' in z) && z.shape === 'line');
    assert.equal(z.stamp.time, new Date('0000-01-01T00:00:00Z').getTime());
  });

  it('refuses non-ASCII host bytes as a host error', () => {
    const r = parse('2026-01-15 10:00:00 +0000 08 h\xe9te S:1: m');
    assert.ok('ok' in r);
    assert.equal(r.reason, 'host');
  });
});
