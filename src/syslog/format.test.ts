import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LogRecord } from '../record.js';
import { FORMATTERS, writeRaw, writeRfc5424, writeTraditional } from './format.js';
import { LINE_FORMATS } from './formatter.js';
import { ByteSink } from '../util/bytesink.js';
import { parse, render } from './syslog.testkit.js';
import { rfc3339, zoneText } from './timefmt.js';

const local = (y: number, mon: number, d: number, h = 0, mi = 0, s = 0): number => new Date(y, mon - 1, d, h, mi, s).getTime();
const NOV22 = local(2026, 11, 22, 3);
const localZone = (ms: number): string => zoneText(-new Date(ms).getTimezoneOffset());
const text = (rec: LogRecord, write: (r: LogRecord, out: import('../util/bytesink.js').ByteSink) => void): string => render(rec, write).toString('latin1');

describe('formatters', () => {
  it('has one formatter per line format', () => {
    assert.deepEqual(Object.keys(FORMATTERS).sort(), [...LINE_FORMATS].sort());
  });

  describe('traditional', () => {
    it('gives back the received RFC 3164 line without its PRI', () => {
      for (const line of ['Nov 22 02:55:07 host app[1]: hello world', 'Nov 22 02:55:07 mailhost postfix/smtpd[17549]: connect from unknown[192.0.2.1]',
        'Nov  2 02:55:07 host app:  two  spaces', 'Nov 22 02:55:07 host just text', 'Nov 22 02:55:07 host app: ', 'Nov 22 02:55:07 host']) {
        assert.equal(text(parse(`<13>${line}`, 'x', NOV22), writeTraditional), `${line}\n`);
      }
    });

    it('writes the fallback host for host-less lines and the receive time for stamp-less ones', () => {
      assert.equal(text(parse('<13>Nov 22 02:55:07 mytag[4242]: hello', 'localhost', NOV22), writeTraditional), 'Nov 22 02:55:07 localhost mytag[4242]: hello\n');
      assert.equal(text(parse('<13>no header', 'peer', local(2026, 1, 5, 10, 0, 1)), writeTraditional), 'Jan  5 10:00:01 peer no header\n');
    });

    it('writes an RFC 5424 record in the daemon\'s local time', () => {
      const r = parse('<13>1 2026-01-05T10:00:01.5+01:00 h app 12 ID - msg');
      const d = new Date(Date.UTC(2026, 0, 5, 9, 0, 1));
      const stamp = `Jan  5 ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:01`;
      assert.equal(text(r, writeTraditional), `${stamp} h app[12]: msg\n`);
    });

    it('escapes control bytes as #ooo and keeps invalid UTF-8 as is', () => {
      const bytes = Buffer.concat([Buffer.from('<13>Nov 22 02:55:07 h\x01st app: a\nb\0c\x1bd\x7fe\tf '), Buffer.from([0xff, 0xc3, 0x28])]);
      const out = render(parse(bytes, 'x', NOV22), writeTraditional);
      assert.deepEqual(out, Buffer.concat([Buffer.from('Nov 22 02:55:07 h#001st app: a#012b#000c#033d#177e\tf '), Buffer.from([0xff, 0xc3, 0x28, 0x0a])]));
    });

    it('copies the received header and MSG exactly as it would write them field by field (property)', () => {
      const pri = fc.integer({ min: 0, max: 191 }).map((n) => `<${n}>`);
      const stamp = fc.oneof(
        fc.constantFrom('Nov 22 02:55:07', 'Jan  5 10:00:01', 'Oct 1 22:14:15', 'Mar  1 18:46:11.123:', 'Jan 05 2026 10:00:01'),
        fc.constantFrom('2026-11-22T04:36:21', '2026-01-05T10:00:01.123456+01:00', '2026-01-05T10:00:01Z'),
      );
      const word = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '.', '/', ':', '[', ']', '\u00e9', '\t', '\x01'), maxLength: 12 });
      const tag = fc.oneof(word, fc.tuple(word, word).map(([a, p]) => `${a}[${p}]`)).map((t) => `${t}:`);
      const spaces = fc.constantFrom(' ', ' ', ' ', '  ', '');
      const msg = fc.uint8Array({ maxLength: 300, size: 'max' }).chain((bytes) => fc.constantFrom(
        Buffer.from(bytes), // anything, controls included
        Buffer.from(bytes.map((b) => (b < 0x20 || b === 0x7f ? 0x41 : b))), // nothing to escape
      ));
      const line = fc.tuple(pri, stamp, spaces, word, spaces, fc.option(tag), spaces, msg)
        .map(([p, ts, s1, host, s2, t, s3, m]) => Buffer.concat([Buffer.from(`${p}${ts}${s1}${host}${s2}${t ?? ''}${s3}`), m]));
      // What the sink already holds: the passthrough lays the received header over its last bytes.
      const before = fc.uint8Array({ maxLength: 64, size: 'max' });
      fc.assert(fc.property(line, before, (bytes, prefix) => {
        const rec = parse(bytes, 'peer', NOV22);
        const fielded = new LogRecord(rec.raw, rec.receivedAt, rec.input, rec.peer);
        Object.assign(fielded, { format: rec.format, flags: rec.flags, time: rec.time, msgOffset: rec.msgOffset,
          hostname: rec.hostname, app: rec.app, program: rec.program, procid: rec.procid });
        assert.equal(fielded.headerStart, -1);
        const expected = render(fielded, writeTraditional);
        const out = new ByteSink(8);
        out.bytes(prefix);
        writeTraditional(rec, out);
        const got = out.take();
        assert.deepEqual(got.subarray(0, prefix.length), Buffer.from(prefix), 'the bytes before are kept');
        assert.deepEqual(got.subarray(prefix.length), expected, `${bytes.toString('latin1')} (header at ${rec.headerStart})`);
      }), { numRuns: 20_000 });
    });

    it('writes RFC 5424 HOSTNAME, APP-NAME and PROCID from the line exactly as from their strings (property)', () => {
      const field = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '.', '/', '[', ']', ':', '\u00e9', '\t', '\x01', '\x7f'), minLength: 1, maxLength: 12 });
      const stamp = fc.constantFrom('-', '2026-11-22T04:36:21Z', '2026-01-05T10:00:01.123456+01:00', 'bad');
      const msg = fc.uint8Array({ maxLength: 120 });
      const line = fc.tuple(fc.integer({ min: 0, max: 191 }), stamp, field, field, field, field, fc.constantFrom('-', '[a b="c"]'), fc.option(msg))
        .map(([p, ts, host, app, pid, mid, sd, m]) => Buffer.concat([
          Buffer.from(`<${p}>1 ${ts} ${host} ${app} ${pid} ${mid} ${sd}`), m === null ? Buffer.alloc(0) : Buffer.concat([Buffer.from(' '), m])]));
      fc.assert(fc.property(line, (bytes) => {
        const rec = parse(bytes, 'peer', NOV22);
        const fielded = new LogRecord(rec.raw, rec.receivedAt, rec.input, rec.peer);
        Object.assign(fielded, { format: rec.format, flags: rec.flags, time: rec.time, msgOffset: rec.msgOffset,
          hostname: rec.hostname, app: rec.app, program: rec.program, procid: rec.procid });
        assert.equal(fielded.tagSpanned() || fielded.hostSpanned(), false);
        const again = parse(bytes, 'peer', NOV22); // never read as strings
        assert.deepEqual(render(again, writeTraditional), render(fielded, writeTraditional), bytes.toString('latin1'));
      }), { numRuns: 20_000 });
    });

    it('keeps the stamp cache right across seconds', () => {
      const a = parse('<13>Nov 22 02:55:07 h a: x', 'x', NOV22);
      const b = parse('<13>Nov 22 02:55:08 h a: x', 'x', NOV22);
      assert.deepEqual([a, b, a].map((r) => text(r, writeTraditional).slice(0, 15)), ['Nov 22 02:55:07', 'Nov 22 02:55:08', 'Nov 22 02:55:07']);
    });
  });

  describe('rfc5424', () => {
    it('keeps the sender\'s fraction digits, offset and SD', () => {
      const line = '<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - [a@1 x="\\]"] It\'s time';
      assert.equal(text(parse(line), writeRfc5424), `${line}\n`);
      assert.equal(text(parse('<13>1 2026-01-01T00:00:00.10Z h a - - -'), writeRfc5424), '<13>1 2026-01-01T00:00:00.10Z h a - - -\n');
    });

    it('writes an RFC 3164 record with the daemon\'s offset', () => {
      const r = parse('<20>Nov 22 02:55:07 host postfix/smtpd[99]: hello', 'x', NOV22);
      assert.equal(text(r, writeRfc5424), `<20>1 2026-11-22T02:55:07${localZone(r.time)} host postfix/smtpd 99 - - hello\n`);
    });

    it('always writes a timestamp and a host, and drops the BOM', () => {
      const r = parse(Buffer.concat([Buffer.from('<13>1 - - a - - - '), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('m\n')]), 'peer');
      const expected = `<13>1 ${rfc3339(r.receivedAt, 0, 0, null)} peer a - - - m#012\n`;
      assert.equal(text(r, writeRfc5424), expected);
    });
  });

  it('raw writes the frame, escaped, one line', () => {
    const r = parse(Buffer.from('<999>x\ny\0z\xff', 'latin1'));
    assert.deepEqual(render(r, writeRaw), Buffer.from('<999>x#012y#000z\xff\n', 'latin1'));
  });

  describe('json', () => {
    it('writes the fields, SD as an object, flags by name', () => {
      const r = parse('<165>1 2003-10-11T22:14:15.003Z mymachine evntslog - ID47 [ex@1 iut="3" a="q\\"" a="2"][b@2] An event', 'x');
      r.input = 'tcp_in';
      r.peer = '192.0.2.1';
      const line = render(r, FORMATTERS.json).toString();
      assert.ok(line.endsWith('}\n') && line.indexOf('\n') === line.length - 1);
      assert.deepEqual(JSON.parse(line), {
        time: '2003-10-11T22:14:15.003Z', received: rfc3339(r.receivedAt, 0, 3, null), host: 'mymachine', app: 'evntslog', program: 'evntslog',
        procid: '', msgid: 'ID47', facility: 20, severity: 5, sd: { 'ex@1': { iut: '3', a: ['q"', '2'] }, 'b@2': {} }, msg: 'An event',
        input: 'tcp_in', peer: '192.0.2.1',
      });
    });

    it('replaces invalid UTF-8, escapes controls and adds flags, level and dialect', () => {
      const r = parse(Buffer.concat([Buffer.from('<13>Nov 22 02:55:07 tag: caf\u00e9 \n\0'), Buffer.from([0xff])]), 'local', NOV22);
      r.level = { scheme: 'momentum', value: 3 };
      r.dialect = 'momentum';
      const line = render(r, FORMATTERS.json).toString();
      assert.ok(line.includes('"msg":"caf\u00e9 \\n\\u0000\ufffd"'));
      const o = JSON.parse(line) as Record<string, unknown>;
      assert.deepEqual([o.flags, o.level, o.dialect, o.host], [['NO_HOSTNAME'], { scheme: 'momentum', value: 3 }, 'momentum', 'local']);
    });
  });

  it('formats RFC 3339 stamps with 0..6 fraction digits', () => {
    const ms = Date.UTC(2026, 0, 5, 9, 0, 1, 123);
    assert.deepEqual([0, 1, 3, 6].map((d) => rfc3339(ms, 456, d, 60)), ['2026-01-05T10:00:01+01:00', '2026-01-05T10:00:01.1+01:00', '2026-01-05T10:00:01.123+01:00', '2026-01-05T10:00:01.123456+01:00']);
    assert.equal(rfc3339(ms, 0, 0, -570), '2026-01-04T23:30:01-09:30');
    assert.equal(rfc3339(ms, 0, 0, 0), '2026-01-05T09:00:01Z');
  });

  it('writes any record as exactly one line: no controls but TAB, valid JSON (property)', () => {
    const HEADS = ['', '<13>', '<13>1 - h a - - [x@1 a="', '<13>Oct 11 22:14:15 h\x01 a\x7f[1]: '];
    const frame = fc.tuple(fc.constantFrom(...HEADS), fc.uint8Array({ maxLength: 80 }))
      .map(([head, a]) => Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(a)]));
    fc.assert(fc.property(frame, (bytes) => {
      const rec = parse(bytes, 'peer\n');
      for (const format of LINE_FORMATS) {
        const line = render(rec, FORMATTERS[format]);
        assert.equal(line.indexOf(0x0a), line.length - 1, format);
        if (format === 'json') {
          assert.ok(line.every((b) => b >= 0x20 || b === 0x0a)); // JSON strings may hold a raw DEL
          JSON.parse(line.toString());
        } else {
          assert.ok(line.every((b) => (b >= 0x20 ? b !== 0x7f : b === 0x09 || b === 0x0a)), format);
        }
      }
    }), { numRuns: 20_000 });
  });
});
