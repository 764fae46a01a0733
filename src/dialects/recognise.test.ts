import assert from 'node:assert/strict';
import { LogRecord, RecordFlag } from '../record.js';
import { parseRecord } from '../syslog/parse.js';
import { Counters } from '../telemetry/counters.js';
import { DialectRecogniser, type DialectMode } from './recognise.js';
import { FIXTURES as MOMENTUM } from './momentum/fixtures.js';
import { SAMPLE_LINES as EMG } from './emg/fixtures.js';
import { MMDF_GOLDEN as MMDF } from './mmdf/fixtures.js';
import { AXIGEN_SAMPLES as AXIGEN } from './axigen/fixtures.js';

function record(frame: string, mode: DialectMode = 'auto', counters = new Counters()): LogRecord {
  const rec = new LogRecord(Buffer.from(frame), Date.UTC(2026, 10, 22), 'in', '127.0.0.1');
  parseRecord(rec, 'peerhost');
  new DialectRecogniser(mode, counters, 'input.in').apply(rec);
  return rec;
}
const syslog = (msg: string) => `<22>Nov 22 04:00:00 mailhost app[1]: ${msg}`;

describe('dialect recognition', () => {
  it('recognises every documented line of each dialect inside a syslog record', () => {
    const cases: [string, string][] = [
      ...MOMENTUM.map((f): [string, string] => ['momentum', f.line]),
      ...EMG.map((f): [string, string] => ['emg', f.line]),
      // The short `M:SS ` prefix of a held-open log and the bare `CYCLED  ***` tail are too plain to
      // find by shape: only `dialect = mmdf` reads them.
      ...MMDF.filter((f) => f.fields.prefix.form === 'long' || f.line.startsWith('***')).map((f): [string, string] => ['mmdf', f.line]),
      ...AXIGEN.filter((f) => f.fields.shape === 'line').map((f): [string, string] => ['axigen', f.line]),
    ];
    assert.ok(cases.length > 30);
    for (const [dialect, line] of cases) {
      const rec = record(syslog(line));
      assert.equal(rec.dialect, dialect, line);
      assert.ok(rec.disposition !== null, line);
      assert.equal(rec.flags & RecordFlag.DIALECT_ERROR, 0, line);
    }
  });

  it('maps dispositions across dialects', () => {
    const d = (line: string) => record(syslog(line)).disposition;
    assert.equal(d(MOMENTUM.find((f) => f.type === 'R')!.line), 'reception');
    assert.equal(d(MOMENTUM.find((f) => f.type === 'D')!.line), 'delivery');
    assert.equal(d(MOMENTUM.find((f) => f.type === 'T' && f.log === 'mainlog')!.line), 'transient_failure');
    assert.equal(d(MOMENTUM.find((f) => f.type === 'P')!.line), 'permanent_failure');
    assert.equal(d(EMG.find((f) => f.line.includes('RECEIVE OK'))!.line), 'reception');
    assert.equal(d(EMG.find((f) => f.line.includes('SEND OK'))!.line), 'delivery');
  });

  it('leaves ordinary syslog text alone and costs no dialect counter', () => {
    const counters = new Counters();
    for (const msg of ['connect from example.org[192.0.2.1]', 'NOQUEUE: reject: RCPT from x', '12:30 lunch', '2026 was a year', '']) {
      const rec = record(syslog(msg), 'auto', counters);
      assert.equal(rec.dialect, null, msg);
      assert.equal(rec.flags & RecordFlag.DIALECT_ERROR, 0, msg);
    }
    assert.equal(counters.total('input.in', 'dialect_errors'), 0);
  });

  it('keeps a malformed dialect line raw, flagged and counted by reason', () => {
    const counters = new Counters();
    const line = '1064868656@00/00-25004-31B987F3@00/00-03736-F4101B54@00/00-04532-A3456B54@R@bob@example.fict';
    const rec = record(syslog(line), 'auto', counters);
    assert.equal(rec.dialect, null);
    assert.ok(rec.flags & RecordFlag.DIALECT_ERROR);
    assert.equal(rec.msg.toString(), line);
    assert.equal(counters.total('input.in', 'dialect_errors'), 1);
    assert.ok(counters.snapshot().some((c) => c.name === 'dialect_errors' && c.reason.startsWith('momentum.')));
  });

  it('reads a header-less Axigen log service line as the record header', () => {
    const sample = AXIGEN.find((f) => f.line.includes('+0545'))!;
    const rec = record(sample.line);
    assert.equal(rec.dialect, 'axigen');
    assert.equal(rec.hostname, 'axigen');
    assert.equal(rec.tzOffsetMin, 345);
    assert.equal(rec.facility, 2);
    assert.equal(rec.severity, 6);
    assert.deepEqual(rec.level, { scheme: 'axigen', value: 8 });
    assert.equal(new Date(rec.time).toISOString(), '2026-07-06T07:25:08.000Z');
  });

  it('honours dialect = none and a named dialect', () => {
    const line = EMG[0]!.line;
    assert.equal(record(syslog(line), 'none').dialect, null);
    assert.equal(record(syslog(line), 'emg').dialect, 'emg');
    assert.equal(record(syslog(line), 'momentum').dialect, null);
  });
});
