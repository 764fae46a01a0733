import assert from 'node:assert/strict';
import { formatLineText, longPrefixAt, mmdfDialect } from './index.js';
import { MMDF_REASONS } from './errors.js';
import { MMDF_BAD, MMDF_GOLDEN } from './fixtures.js';

describe('dialects/mmdf', () => {
  describe('golden lines', () => {
    for (const gl of MMDF_GOLDEN) {
      it(`reads and writes back: ${gl.name}`, () => {
        const line = Buffer.from(gl.line, 'utf8');
        assert.equal(mmdfDialect.looksLike(line), true);
        const r = mmdfDialect.parse(line);
        assert.ok(r.ok, `did not read: ${JSON.stringify(r)}`);
        assert.deepEqual(r.fields, gl.fields);
        assert.equal(r.disposition, gl.disposition);
        assert.ok(mmdfDialect.format(gl.fields).equals(line), `wrote ${JSON.stringify(mmdfDialect.format(gl.fields).toString())}`);
      });
    }
  });

  describe('bad lines give a DialectError', () => {
    for (const b of MMDF_BAD) {
      it(`${b.reason}: ${JSON.stringify(b.line)}`, () => {
        const r = mmdfDialect.parse(Buffer.from(b.line));
        assert.equal(r.ok, false);
        if (!r.ok) {
          assert.equal(r.reason, b.reason, r.detail);
          assert.ok(r.detail.length > 0);
        }
      });
    }

    it('refuses bytes that are not UTF-8', () => {
      const line = Buffer.concat([Buffer.from(' 4/29  9:02:15 SB-1234:  text '), Buffer.from([0xff, 0xfe])]);
      const r = mmdfDialect.parse(line);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.reason, 'encoding');
    });

    it('only uses catalogued reasons', () => {
      for (const b of MMDF_BAD) assert.ok((MMDF_REASONS as readonly string[]).includes(b.reason));
    });
  });

  describe('looksLike', () => {
    it('takes the prefix shapes', () => {
      for (const s of [' 4/29  9:02:15 SB-1234:  x', '4/29  9:02:15 AU-0000:  x', '12/31 23:59:59 x:  ', ' 2:15 x', '42:00 ']) {
        assert.equal(mmdfDialect.looksLike(Buffer.from(s)), true, s);
      }
    });

    it('refuses other lines', () => {
      for (const s of ['', 'hello', '<13>Apr 29 09:02:15 host app: x', '2024-04-29T09:02:15Z x', '4/29 9:02:15 x', '***  CYCLING  *** more']) {
        assert.equal(mmdfDialect.looksLike(Buffer.from(s)), false, s);
      }
    });
  });

  it('reads the key=value pairs of auth entries', () => {
    const r = mmdfDialect.parse(Buffer.from(" 4/29  9:02:15 AU-0000:  msg.a000427: i='local' o='smtp' a='steve@udel.edu' r='' r='OS'"));
    assert.ok(r.ok && r.fields.entry.kind === 'auth');
    assert.deepEqual(r.fields.entry.pairs, [['i', 'local'], ['o', 'smtp'], ['a', 'steve@udel.edu'], ['r', ''], ['r', 'OS']]);
  });

  it('writes a line from fields built for output', () => {
    const prefix = longPrefixAt(Date.UTC(2024, 3, 29, 9, 2, 15), 'SB-1234');
    const line = formatLineText({ prefix, entry: { kind: 'end', msg: 'msg.aa12345', status: 'DONE', queue: 'local',
      chan: 'list', host: 'udel.edu', mailbox: 'steve', latencySecs: 187 } });
    assert.equal(line, ' 4/29  9:02:15 SB-1234:  end msg.aa12345 (DONE) local(list) udel.edu steve [0: 3: 7]');
  });

  it('reads a lin line the way setlogs greps it', () => {
    const r = mmdfDialect.parse(Buffer.from(' 4/29  9:02:15 SB-1234:  lin msg.aa12345 (1, 2573) local steve'));
    assert.ok(r.ok && r.fields.entry.kind === 'lin');
    assert.equal(r.fields.entry.bytes, 2573);
  });
});
