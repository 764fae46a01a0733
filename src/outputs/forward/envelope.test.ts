import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LogRecord, RecordFlag } from '../../record.js';
import { parseRecord } from '../../syslog/parse.js';
import { FORMATTERS } from '../../syslog/format.js';
import { parseSd } from '../../syslog/sd.js';
import { parse, render } from '../../syslog/syslog.testkit.js';
import { CLUSTER_SD_ID, decodeForward, encodeForward } from './envelope.js';

const ORIGIN = { node: 'mx1.example', subcluster: 'eu-west', log: 'mainlog', journal: '0123456789abcdef' };

/** What an aggregator's relp input makes of the data: a record parsed from it. */
function received(data: Buffer): LogRecord {
  const rec = new LogRecord(data, 1_800_000_000_000, 'relp', '10.0.0.9');
  parseRecord(rec, '10.0.0.9');
  return rec;
}

function journaled(line: string | Buffer, seq: number, fallback = 'mx1'): LogRecord {
  const rec = parse(line, fallback);
  rec.journalSeq = seq;
  rec.input = 'tcp_in';
  rec.peer = '192.0.2.7';
  return rec;
}

describe('outputs/forward/envelope', () => {
  it('wraps a record in an RFC 5424 message with its origin in structured data', () => {
    const rec = journaled('<22>Nov 22 10:00:01 mailhost postfix/smtpd[123]: connect from x[192.0.2.1]', 812);
    const data = encodeForward(rec, ORIGIN);
    const outer = received(data);
    assert.equal(outer.format, 'rfc5424');
    assert.equal(outer.hostname, 'mailhost');
    assert.equal(outer.app, 'postfix/smtpd');
    assert.equal(outer.procid, '123');
    assert.equal(outer.facility, 2);
    assert.equal(outer.severity, 6);
    const el = parseSd(outer.sd).find((e) => e.id === CLUSTER_SD_ID);
    assert.deepEqual(Object.fromEntries(el!.params), {
      node: 'mx1.example', subcluster: 'eu-west', log: 'mainlog', journal: '0123456789abcdef', seq: '812', input: 'tcp_in', peer: '192.0.2.7',
      received: String(rec.receivedAt),
    });
    assert.equal(outer.msg.toString(), rec.raw.toString(), 'MSG is the frame as received');
  });

  it('gives the aggregator back the record the node had', () => {
    const rec = journaled('<22>Nov 22 10:00:01 mailhost postfix/smtpd[123]: connect', 5);
    const back = decodeForward(received(encodeForward(rec, ORIGIN)))!;
    assert.equal(back.seq, 5);
    assert.deepEqual([back.node, back.subcluster, back.log, back.journal], ['mx1.example', 'eu-west', 'mainlog', '0123456789abcdef']);
    for (const f of ['hostname', 'app', 'program', 'procid', 'facility', 'severity', 'time', 'input', 'peer', 'receivedAt'] as const) {
      assert.deepEqual(back.record[f], rec[f], f);
    }
    assert.deepEqual(render(back.record, FORMATTERS.traditional), render(rec, FORMATTERS.traditional));
  });

  it('keeps the host a local syslog() line was given, the truncated flag and awkward values', () => {
    const rec = journaled('<22>Nov 22 10:00:01 postfix/pickup[9]: no host here', 9, 'local-box');
    rec.flags |= RecordFlag.NO_HOSTNAME | RecordFlag.TRUNCATED;
    const origin = { node: 'n"1]\\', subcluster: 'a]b', log: 'x"y', journal: '' };
    const back = decodeForward(received(encodeForward(rec, origin)))!;
    assert.deepEqual([back.node, back.subcluster, back.log], ['n"1]\\', 'a]b', 'x"y']);
    assert.equal(back.record.hostname, 'local-box');
    assert.ok(back.record.flags & RecordFlag.NO_HOSTNAME);
    assert.ok(back.record.flags & RecordFlag.TRUNCATED);
  });

  it('returns null for records without the cluster element or with a bad seq', () => {
    assert.equal(decodeForward(received(Buffer.from('<13>1 2026-01-01T00:00:00Z h a - - - plain'))), null);
    assert.equal(decodeForward(received(Buffer.from('<13>1 2026-01-01T00:00:00Z h a - - [maillogd@32473 node="n" seq="x"] m'))), null);
    assert.equal(decodeForward(received(Buffer.from('<13>1 2026-01-01T00:00:00Z h a - - [maillogd@32473 seq="4"] m'))), null);
    assert.equal(decodeForward(received(Buffer.from('<13>Jan  1 00:00:00 h a: [maillogd@32473 node="n" seq="4"] m'))), null);
  });

  it('carries any frame byte for byte, and any origin text (property)', () => {
    fc.assert(fc.property(
      fc.uint8Array({ maxLength: 300 }), fc.string({ minLength: 1, maxLength: 30 }), fc.string({ maxLength: 30 }),
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      (bytes, node, log, seq) => {
        const raw = Buffer.from(bytes);
        const rec = journaled(raw, seq);
        const back = decodeForward(received(encodeForward(rec, { node, subcluster: 'sc', log, journal: 'feedfacecafebeef' })));
        assert.ok(back, 'decoded');
        assert.deepEqual(back.record.raw, raw);
        assert.equal(back.seq, seq);
        assert.equal(back.node, node);
        assert.equal(back.log, log || 'mainlog');
      }), { numRuns: 20_000 });
  });
});

describe('outputs/forward/envelope clusterParams', () => {
  it('reads values as parseSd does, escapes included (property)', async () => {
    const { parseSd: parse, formatSd } = await import('../../syslog/sd.js');
    const { clusterParams } = await import('./envelope.js');
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.string({ maxLength: 12 })), { maxLength: 6 }), fc.boolean(),
      (params, before) => {
        const el = { id: CLUSTER_SD_ID, params };
        const sd = formatSd(before ? [{ id: 'x@1', params: [['a', 'b]"\\']] }, el] : [el]);
        const want = new Map(parse(sd).find((e) => e.id === CLUSTER_SD_ID)!.params);
        assert.deepEqual(clusterParams(sd), want);
      }), { numRuns: 20_000 });
    assert.equal(clusterParams('[maillogd@32473 node="a'), null);
    assert.equal(clusterParams('[other@1 node="a"]'), null);
  });
});
