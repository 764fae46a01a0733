import assert from 'node:assert/strict';
import { FIXTURES } from '../../dialects/momentum/fixtures.js';
import { parseMomentum, parseRejectlog, dispositionOf } from '../../dialects/momentum/index.js';
import { isError } from '../../dialects/momentum/lex.js';
import { SEND_ERR_EXAMPLE } from '../../dialects/emg/fixtures.js';
import type { LogRecord } from '../../record.js';
import { lineOf, targetOf } from './route.js';
import { legacy, plain, T0_EPOCH } from './momentum.testkit.js';

const E = T0_EPOCH;

function routed(rec: LogRecord): { log: string; line: string } | null {
  const t = targetOf(rec);
  return t === null ? null : { log: t.log, line: lineOf(rec, t).toString('utf8') };
}

/** The line reads back as a Momentum record of the same disposition (read as a line of `log` when given). */
function readsBack(line: string, disposition: string, log?: 'rejectlog'): void {
  const f = log === 'rejectlog' ? parseRejectlog(Buffer.from(line)) : parseMomentum(Buffer.from(line));
  assert.ok(!isError(f), `${line}: ${JSON.stringify(f)}`);
  assert.equal(dispositionOf(f), disposition);
}

describe('momentum output routing', () => {
  describe('Momentum records', () => {
    for (const fx of FIXTURES) {
      it(`${fx.name}: its own log, byte for byte`, () => {
        const rec = legacy(fx.line);
        assert.equal(rec.dialect, 'momentum');
        const t = targetOf(rec);
        assert.ok(t);
        assert.equal(t.log, fx.log);
        assert.ok(lineOf(rec, t).equals(Buffer.from(fx.line)));
      });
    }

    it('names the switch of each kind; heartbeats and acctlog need none', () => {
      const sw = (i: number) => targetOf(legacy(FIXTURES[i]!.line))?.switch;
      assert.deepEqual(FIXTURES.map((f, i) => [f.type, sw(i)]).slice(0, 10), [
        ['R', 'log_receptions'], ['D', 'log_deliveries'], ['T', 'log_transient_failures'], ['P', 'log_permanent_failures'],
        ['M', null], ['M1', null], ['rejection', 'log_rejections'], ['marker', null], ['text', 'log_errors'], ['http', 'log_errors'],
      ]);
      assert.equal(targetOf(legacy('1160172232@N@*:2025@10.80.116.126:37164@ec_user@1'))?.switch, null);
    });

    it('keeps a line that is not UTF-8 byte for byte', () => {
      const raw = Buffer.concat([Buffer.from('1251465322:scriptlet: caf'), Buffer.from([0xe9])]);
      const rec = legacy(raw);
      assert.equal(rec.dialect, 'momentum');
      assert.ok(lineOf(rec, targetOf(rec)!).equals(raw));
    });
  });

  describe('EMG connector entries', () => {
    it('RECEIVE OK → mainlog R', () => {
      const r = routed(legacy('Sep 11 22:34:34.433 (2) RECEIVE OK (orphaned) 001:71 034:127.0.0.1 022:stenor 059:mgp 093:1031776474 094:393 008:1234 017:3'));
      assert.deepEqual(r, { log: 'mainlog', line: `${E}@71@@2@R@1234@@@@@3@@@mgp` });
      readsBack(r.line, 'reception');
    });

    it('final SEND OK → mainlog D, seconds since reception from 093/094 to 095/096', () => {
      const r = routed(legacy('Sep 11 22:35:30.275 (4) SEND OK (pdu=1/1) 001:71 034:127.0.0.1 022:stenor 059:mgp 093:1031776474 094:393 008:1234 095:1031776530 096:269 017:3'));
      assert.deepEqual(r, { log: 'mainlog', line: `${E}@71@@4@D@1234@3@@@0@55.876@` });
      readsBack(r.line, 'delivery');
    });

    it('non-final SEND ERR → mainlog T, stage 22, the event as error text', () => {
      const r = routed(legacy(SEND_ERR_EXAMPLE));
      assert.deepEqual(r, { log: 'mainlog', line: `${E}@@@4@T@@0@@@22@0@0@@SEND ERR (pdu=1/1,info="72")` });
      readsBack(r.line, 'transient_failure');
    });

    it('final SEND ERR → mainlog P', () => {
      const r = routed(legacy('Sep 11 22:35:30.275 (4) SEND ERR (info="8") 001:9 008:555 095:1031776530 096:269'));
      assert.deepEqual(r, { log: 'mainlog', line: `${E}@9@@4@P@555@0@@@22@0@0@@SEND ERR (info="8")` });
      readsBack(r.line, 'permanent_failure');
    });

    it('REJECT → rejectlog, connection id = instance', () => {
      const r = routed(legacy('Sep 11 22:35:30.275 (4) REJECT ERR (info="blocked") 008:1234'));
      assert.deepEqual(r, { log: 'rejectlog', line: `${E}: C="4" M=emg REJECT ERR (info="blocked")` });
      readsBack(r.line, 'rejection');
    });

    it('CONNECT ERR → paniclog', () => {
      const r = routed(legacy('Sep 11 22:34:34.306 (2) CONNECT ERR (info="127.0.0.1")'));
      assert.deepEqual(r, { log: 'paniclog', line: `${E}:emg: (2) CONNECT ERR (info="127.0.0.1")` });
      readsBack(r.line, 'error');
    });

    it('LOGIN OK and non-final SEND OK carry no disposition a Momentum log keeps', () => {
      assert.equal(targetOf(legacy('Sep 11 22:34:34.316 (2) LOGIN OK (info="emguser")')), null);
      assert.equal(targetOf(legacy('Sep 11 22:35:30.275 (4) SEND OK (pdu=1/2) 001:71')), null);
    });
  });

  describe('MMDF msg.log and auth.log entries', () => {
    it('lin → mainlog R: message name, login, bytes, queue', () => {
      const r = routed(legacy(' 4/29  9:02:15 SB-1234:  lin msg.aa12345 (1, 2573) local steve'));
      assert.deepEqual(r, { log: 'mainlog', line: `${E}@msg.aa12345@@@R@@@steve@@@2573@@@local` });
      readsBack(r.line, 'reception');
    });

    it('rin → mainlog R: sender split, relaying host, protocol in lower case', () => {
      const r = routed(legacy('11/ 3 14:07:09 SB-0815:  rin msg.aa00417 (2, 18342) smtp relay.udel.edu crocker@udel.edu ESMTP'));
      assert.deepEqual(r, { log: 'mainlog', line: `${E}@msg.aa00417@@@R@@@crocker@udel.edu@relay.udel.edu@18342@esmtp@@smtp` });
      readsBack(r.line, 'reception');
    });

    it('end (OK) → mainlog D with the time in queue', () => {
      const r = routed(legacy(' 4/29  9:02:16 DL-1234:  end msg.aa12345 (OK) local udel.edu steve [0: 0: 1]'));
      assert.deepEqual(r, { log: 'mainlog', line: `${E}@msg.aa12345@@@D@udel.edu@0@@local@0@1@` });
      readsBack(r.line, 'delivery');
    });

    it('end (NO) → mainlog P with the status as error text', () => {
      const r = routed(legacy(' 4/29  9:02:16 DL-1234:  end msg.aa12345 (NO) smtp mx.example.org ann [0: 1: 5]'));
      assert.deepEqual(r, { log: 'mainlog', line: `${E}@msg.aa12345@@@P@mx.example.org@0@@smtp@22@0@65@@NO` });
      readsBack(r.line, 'permanent_failure');
    });

    it('end (TIME) ** channel error ** → mainlog T', () => {
      const r = routed(legacy(' 4/29 10:15:00 BG-0042:  end msg.aa00419 (TIME) ** SMTP Delivery (smtp) error **'));
      assert.deepEqual(r, { log: 'mainlog', line: `${E}@msg.aa00419@@@T@@0@@smtp@22@0@0@@TIME SMTP Delivery (smtp) error` });
      readsBack(r.line, 'transient_failure');
    });

    it('BAD AUTH → rejectlog', () => {
      const r = routed(legacy(" 4/29  9:02:15 AU-0000:  msg.a000428: BAD AUTH i='smtp' o='smtp' s='spam@example.com' r='' msg='relay not allowed'"));
      assert.deepEqual(r, { log: 'rejectlog', line: `${E}: M=mmdf msg.a000428: BAD AUTH i='smtp' o='smtp' s='spam@example.com' r='' msg='relay not allowed'` });
      readsBack(r.line, 'rejection');
    });

    it('chan.log phases are not written', () => {
      assert.equal(targetOf(legacy(' 4/29  9:02:17 local 1234:  end (NOOP)')), null);
    });
  });

  describe('Axigen lines and records of no dialect', () => {
    it('an Axigen error (level 2) → paniclog `SERVICE:SESSION: message` at the line\'s own time', () => {
      const r = routed(legacy('2026-12-31 22:45:00 -0330 02 mx1.example.test SMTP-IN:00000022: [192.0.2.10:25] too many errors'));
      const epoch = Date.UTC(2027, 0, 1, 2, 15, 0) / 1000;
      assert.deepEqual(r, { log: 'paniclog', line: `${epoch}:SMTP-IN:00000022: [192.0.2.10:25] too many errors` });
    });

    it('an Axigen info line and a plain record have no disposition', () => {
      assert.equal(targetOf(legacy('2026-01-15 10:00:00 +0000 08 mail.example.test IMAP:session-a: [192.0.2.10:993] connection accepted from [198.51.100.10:50000]')), null);
      assert.equal(targetOf(plain('hello')), null);
    });

    it('a record of no dialect that carries a disposition is written from what it has, on one line', () => {
      const rec = plain('421 try\r\nlater', 'relay');
      rec.disposition = 'transient_failure';
      assert.deepEqual(routed(rec), { log: 'mainlog', line: `${E}@@@@T@@0@@@22@0@0@@421 try  later` });
      rec.disposition = 'error';
      assert.deepEqual(routed(rec), { log: 'paniclog', line: `${E}:relay: 421 try  later` });
      rec.disposition = 'rejection';
      assert.deepEqual(routed(rec), { log: 'rejectlog', line: `${E}: M=relay 421 try  later` });
      rec.app = '';
      assert.deepEqual(routed(rec), { log: 'rejectlog', line: `${E}: 421 try  later` });
      readsBack(routed(rec)!.line, 'rejection', 'rejectlog');
      rec.disposition = 'other';
      assert.equal(targetOf(rec), null);
    });

    it('an `@` inside a derived id does not split the record', () => {
      const rec = legacy(' 4/29  9:02:15 SB-1234:  lin msg.aa12345 (1, 2573) local st@eve');
      const line = routed(rec)!.line;
      assert.equal(line.split('@').length, 14);
      readsBack(line, 'reception');
    });
  });
});
