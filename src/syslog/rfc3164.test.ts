import assert from 'node:assert/strict';
import { RecordFlag } from '../record.js';
import { parse } from './syslog.testkit.js';

/** Local time, month 1..12. */
const local = (y: number, mon: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number => new Date(y, mon - 1, d, h, mi, s, ms).getTime();
const NOV22 = local(2026, 11, 22, 3, 0, 0);

function fields(line: string | Buffer, receivedAt = NOV22, fallback = 'fallback') {
  const r = parse(line, fallback, receivedAt);
  return { format: r.format, flags: r.flags, host: r.hostname, app: r.app, program: r.program, procid: r.procid, msg: r.msg.toString('latin1') };
}

describe('RFC 3164', () => {
  it('reads a postfix line from the network', () => {
    const r = parse('<22>Nov 22 02:55:07 mailhost postfix/smtpd[17549]: connect from unknown[192.0.2.1]', 'x', NOV22);
    assert.equal(r.format, 'rfc3164');
    assert.deepEqual([r.facility, r.severity, r.flags], [2, 6, 0]);
    assert.equal(r.time, local(2026, 11, 22, 2, 55, 7));
    assert.equal(r.tzOffsetMin, null);
    assert.deepEqual([r.hostname, r.app, r.program, r.procid], ['mailhost', 'postfix/smtpd', 'postfix', '17549']);
    assert.equal(r.msg.toString(), 'connect from unknown[192.0.2.1]');
  });

  it('takes the fallback host for local syslog() lines (no HOSTNAME)', () => {
    assert.deepEqual(fields('<13>Nov 22 02:55:07 mytag[4242]: hello'),
      { format: 'rfc3164', flags: RecordFlag.NO_HOSTNAME, host: 'fallback', app: 'mytag', program: 'mytag', procid: '4242', msg: 'hello' });
    assert.deepEqual(fields('<22>Nov 22 02:52:14 postfix/smtpd[17549]: msg\nwith\tcontrols'),
      { format: 'rfc3164', flags: RecordFlag.NO_HOSTNAME, host: 'fallback', app: 'postfix/smtpd', program: 'postfix', procid: '17549', msg: 'msg\nwith\tcontrols' });
    assert.equal(fields('<13>Nov 22 02:55:07 sshd:hello').host, 'sshd:hello', 'a colon inside a token is not a tag');
  });

  it('reads logger --rfc3164 and rsyslog forward formats', () => {
    assert.deepEqual(fields('<13>Nov 22 02:55:07 myhost root: hello world'),
      { format: 'rfc3164', flags: 0, host: 'myhost', app: 'root', program: 'root', procid: '', msg: 'hello world' });
    // RSYSLOG_TraditionalForwardFormat: day space-padded
    const t = parse('<22>Jan  5 10:00:01 mailhost postfix/smtpd[123]: connect from x', 'x', local(2026, 1, 5, 10));
    assert.equal(t.time, local(2026, 1, 5, 10, 0, 1));
    assert.deepEqual([t.hostname, t.app, t.procid], ['mailhost', 'postfix/smtpd', '123']);
    // RSYSLOG_ForwardFormat: RFC 3339 stamp with µs and offset
    const f = parse('<13>2026-01-05T10:00:01.123456+01:00 host tag: msg');
    assert.deepEqual([f.format, f.time, f.timeMicros, f.tzOffsetMin, f.timeFracDigits], ['rfc3164', Date.UTC(2026, 0, 5, 9, 0, 1, 123), 456, 60, 6]);
    assert.deepEqual([f.hostname, f.app, f.msg.toString()], ['host', 'tag', 'msg']);
  });

  it('accepts a single-space day and a year before or after the time', () => {
    assert.equal(parse('<13>Oct 1 22:14:15 host app: x', 'x', local(2026, 10, 2)).time, local(2026, 10, 1, 22, 14, 15));
    assert.equal(parse('<13>Oct  1 22:14:15 host app: x', 'x', local(2026, 10, 2)).time, local(2026, 10, 1, 22, 14, 15));
    const after = parse('<13>Jan  5 10:00:01 2024 host app: x');
    assert.deepEqual([after.time, after.hostname], [local(2024, 1, 5, 10, 0, 1), 'host']);
  });

  it('reads Cisco-style lines', () => {
    const ios = parse('<189>123: *Mar  1 18:46:11.123: %SYS-5-CONFIG_I: Configured from console by vty2 (10.34.195.36)', 'router1', local(2026, 3, 1, 19));
    assert.deepEqual([ios.time, ios.timeFracDigits, ios.hostname, ios.app, ios.flags], [local(2026, 3, 1, 18, 46, 11, 123), 3, 'router1', '%SYS-5-CONFIG_I', RecordFlag.NO_HOSTNAME]);
    assert.equal(ios.msg.toString(), 'Configured from console by vty2 (10.34.195.36)');
    const asa = parse('<166>Jan 05 2026 10:00:01: %ASA-6-302013: Built outbound TCP connection 1');
    assert.deepEqual([asa.time, asa.app, asa.msg.toString()], [local(2026, 1, 5, 10, 0, 1), '%ASA-6-302013', 'Built outbound TCP connection 1']);
  });

  it('reads a tag-less line as host + MSG with no app', () => {
    assert.deepEqual(fields('<13>Oct 11 22:14:15 host just text'),
      { format: 'rfc3164', flags: 0, host: 'host', app: '', program: '', procid: '', msg: 'just text' });
    assert.equal(fields('<13>Nov 22 02:55:07 host last message repeated 3 times').msg, 'last message repeated 3 times');
    assert.deepEqual(fields('<13>Oct 11 22:14:15 host'), { format: 'rfc3164', flags: 0, host: 'host', app: '', program: '', procid: '', msg: '' });
    assert.deepEqual(fields('<13>Oct 11 22:14:15 '), { format: 'rfc3164', flags: RecordFlag.NO_HOSTNAME, host: 'fallback', app: '', program: '', procid: '', msg: '' });
  });

  it('keeps MSG byte for byte after the one SP that follows the tag', () => {
    assert.equal(fields('<13>Oct 11 22:14:15 host app:  two  spaces ').msg, ' two  spaces ');
    assert.equal(fields('<13>Oct 11 22:14:15 host app:').msg, '');
    assert.equal(fields('<13>Oct 11 22:14:15 host sshd[12]:Accepted key').msg, 'Accepted key');
    const bytes = Buffer.concat([Buffer.from('<13>Oct 11 22:14:15 host app: '), Buffer.from([0xff, 0xfe, 0x00, 0x1b, 0x0a])]);
    assert.deepEqual(parse(bytes).msg, Buffer.from([0xff, 0xfe, 0x00, 0x1b, 0x0a]));
  });

  it('reads the tag: last `[` before `]:` starts the procid; program stops at `/`', () => {
    assert.deepEqual(fields('<13>Oct 11 22:14:15 h java[main][77]: x').app, 'java[main]');
    assert.deepEqual(fields('<13>Oct 11 22:14:15 h java[main][77]: x').procid, '77');
    assert.deepEqual(fields('<13>Oct 11 22:14:15 h postfix/submission/smtpd[9]: x').program, 'postfix');
    assert.deepEqual(fields('<13>Oct 11 22:14:15 h : x'), { format: 'rfc3164', flags: 0, host: 'h', app: '', program: '', procid: '', msg: ': x' });
  });

  it('decodes non-ASCII header fields as UTF-8 without failing on invalid bytes', () => {
    assert.equal(parse(Buffer.from('<13>Oct 11 22:14:15 hôte prög[1]: x')).hostname, 'hôte');
    assert.equal(parse(Buffer.from('<13>Oct 11 22:14:15 hôte prög[1]: x')).app, 'prög');
    const bad = parse(Buffer.concat([Buffer.from('<13>Oct 11 22:14:15 h'), Buffer.from([0xff, 0xc3]), Buffer.from(' app: x')]));
    assert.equal(bad.hostname, 'h\ufffd\ufffd');
  });

  it('infers the year around New Year', () => {
    // A Dec 31 line received on Jan 1: last year.
    assert.equal(parse('<13>Dec 31 23:59:59 h a: x', 'x', local(2027, 1, 1, 0, 0, 30)).time, local(2026, 12, 31, 23, 59, 59));
    // A Jan 1 line from a sender ahead, received on Dec 31: next year.
    assert.equal(parse('<13>Jan  1 00:00:05 h a: x', 'x', local(2026, 12, 31, 23, 59, 50)).time, local(2027, 1, 1, 0, 0, 5));
    // Up to a month ahead stays this year; more is last year's.
    assert.equal(parse('<13>Jul 10 12:00:00 h a: x', 'x', local(2026, 6, 15)).time, local(2026, 7, 10, 12));
    assert.equal(parse('<13>Aug  1 12:00:00 h a: x', 'x', local(2026, 6, 15)).time, local(2025, 8, 1, 12));
    assert.equal(parse('<13>Feb  1 12:00:00 h a: x', 'x', local(2026, 6, 15)).time, local(2026, 2, 1, 12));
  });

  it('reads a tag even without a timestamp; otherwise keeps the line unparsed', () => {
    const ovpn = parse('<15> openvpn[2499]: Initialization Sequence Completed');
    assert.deepEqual([ovpn.format, ovpn.flags, ovpn.app, ovpn.procid, ovpn.msg.toString()],
      ['rfc3164', RecordFlag.NO_TIMESTAMP | RecordFlag.NO_HOSTNAME, 'openvpn', '2499', 'Initialization Sequence Completed']);
    const none = parse('<13>no header at all msg');
    assert.equal(none.format, 'unparsed');
    assert.equal(none.flags, RecordFlag.NO_TIMESTAMP | RecordFlag.NO_HOSTNAME | RecordFlag.PARSE_ERROR);
    assert.deepEqual([none.hostname, none.app, none.msg.toString(), none.time], ['fallback', '', 'no header at all msg', none.receivedAt]);
    assert.equal(parse('<13>Foo 11 22:14:15 host app: x').format, 'unparsed');
    assert.equal(parse('<13>Oct 11 25:14:15 host app: x').format, 'unparsed');
  });

  it('parses a line without PRI and flags it', () => {
    const r = parse('Oct 11 22:14:15 host app: x');
    assert.deepEqual([r.format, r.flags, r.hostname, r.app, r.facility, r.severity], ['rfc3164', RecordFlag.PRI_MISSING, 'host', 'app', 1, 5]);
  });
});
