import assert from 'node:assert/strict';
import { DialectRecogniser } from '../dialects/recognise.js';
import { parse } from '../syslog/syslog.testkit.js';
import { Counters } from '../telemetry/counters.js';
import { rowsOf } from './rows.js';

const dialects = new DialectRecogniser('auto', new Counters(), 'input.test');

function rows(lines: string[]) {
  return rowsOf(lines.map((l) => {
    const rec = parse(l);
    dialects.apply(rec);
    return rec;
  }), true);
}

describe('database rows', () => {
  it('takes EMG pdu lines in both stamp formats into pdulog, and nothing else', () => {
    const b = rows([
      'Sep 11 22:35:30.275 (4) Write 0000: 00 01 02',
      '2002-09-11 22:35:30.275123 (12) Read 0010: ff',
      'Sep 11 22:35:30.275 (4) SEND OK (pdu=1/1) 001:71 008:1234',
      '<22>Nov 22 10:00:00 mx1 postfix/smtp[1]: 4F1A000042: to=<u@example.org>, status=sent',
      '<22>Nov 22 10:00:00 mx1 app: 2026-11-22 is a date, not a stamp',
      '<22>Nov 22 10:00:00 mx1 app: 1234-5 looks like a year and is not one',
      '<22>Nov 22 10:00:00 mx1 app: Septic (4) not a month',
      '<22>Nov 22 10:00:00 mx1 app: Sep 11 22:35:30.275 (4) inside a syslog line',
    ]);
    assert.equal(b.records.length, 8);
    assert.deepEqual(b.pdu.map((p) => [p.instance, p.text]), [
      ['4', 'Write 0000: 00 01 02'],
      ['12', 'Read 0010: ff'],
      ['4', 'inside a syslog line'],
    ]);
    assert.equal(b.connector.length, 1);
    assert.equal(b.records[3]!.mailId, '4F1A000042');
  });
});
