// nsyslog-parser as a differential oracle, on the lines it reads correctly: well-formed RFC 3164
// lines with host and tag, and RFC 5424 lines without SD escapes. Its `-` for NILVALUE is mapped
// to ''. Its own limits, kept out of the generated lines: an SD-ELEMENT needs a parameter and an
// SD-ID an `@`, header tokens and words are from a small character set.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { parse } from './syslog.testkit.js';
import { parseSd } from './rfc5424.js';

interface NsEntry {
  prival: number;
  ts?: Date;
  host?: string;
  appName?: string;
  pid?: string;
  messageid?: string;
  message: string;
  structuredData?: Record<string, string>[] | string;
  err?: unknown;
}
const nsyslog = createRequire(import.meta.url)('nsyslog-parser') as (line: string) => NsEntry;
const nil = (s: string | undefined): string => (s === undefined || s === '-' ? '' : s);

const RUNS = 20_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const word = (re: RegExp): fc.Arbitrary<string> => fc.stringMatching(re);
// No `=`: nsyslog splits `k=v` pairs into an array and fails on `length=...`.
const message = fc.array(word(/^[A-Za-z0-9,.<>@]{1,10}$/), { minLength: 1, maxLength: 8 })
  .map((w) => w.join(' '))
  .filter((m) => !/^(CEF|LEEF):/.test(m));
const two = (n: number): string => String(n).padStart(2, '0');

describe('nsyslog-parser as oracle (property)', () => {
  it('agrees on well-formed RFC 3164 lines with host and tag', () => {
    const now = Date.now();
    const line = fc.record({
      pri: fc.integer({ min: 0, max: 191 }),
      mon: fc.integer({ min: 0, max: 11 }),
      day: fc.integer({ min: 1, max: 28 }),
      h: fc.integer({ min: 4, max: 23 }), // DST changes happen before 04:00; the two parsers may pick different years
      mi: fc.integer({ min: 0, max: 59 }),
      s: fc.integer({ min: 0, max: 59 }),
      host: word(/^[a-z0-9][a-z0-9.-]{0,20}$/).filter((h) => !/^20\d\d$/.test(h)),
      app: word(/^[A-Za-z][A-Za-z0-9_/.-]{0,15}$/),
      pid: fc.option(word(/^[1-9][0-9]{0,5}$/)),
      msg: message,
    });
    fc.assert(fc.property(line, (f) => {
      const tag = f.pid === null ? `${f.app}:` : `${f.app}[${f.pid}]:`;
      const text = `<${f.pri}>${MONTHS[f.mon]} ${String(f.day).padStart(2, ' ')} ${two(f.h)}:${two(f.mi)}:${two(f.s)} ${f.host} ${tag} ${f.msg}`;
      const ns = nsyslog(text);
      const ours = parse(text, 'fallback', now);
      const d = new Date(ours.time);
      const nd = ns.ts!;
      assert.deepEqual(
        [ours.facility * 8 + ours.severity, ours.hostname, ours.app, ours.procid, ours.msg.toString(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()],
        [ns.prival, ns.host, ns.appName, ns.pid ?? '', ns.message, nd.getMonth(), nd.getDate(), nd.getHours(), nd.getMinutes(), nd.getSeconds()], text);
    }), { numRuns: RUNS });
  });

  it('agrees on RFC 5424 lines without SD escapes', () => {
    const field = fc.oneof(fc.constant('-'), word(/^[A-Za-z0-9._][A-Za-z0-9._-]{0,15}$/));
    const sd = fc.array(
      fc.tuple(word(/^[a-z]{1,8}@[0-9]{1,5}$/), fc.array(fc.tuple(word(/^[A-Za-z]{1,8}$/), word(/^[A-Za-z0-9.]{0,8}$/)), { minLength: 1, maxLength: 3 })),
      { maxLength: 3 },
    ).map((els) => els.map(([id, ps]) => `[${id}${ps.map(([k, v]) => ` ${k}="${v}"`).join('')}]`).join('') || '-');
    const line = fc.record({
      pri: fc.integer({ min: 0, max: 191 }),
      sec: fc.integer({ min: 0, max: 4_102_444_799 }),
      frac: fc.constantFrom('', '.1', '.123', '.123456'),
      zone: fc.constantFrom('Z', '+01:00', '-07:30', '+14:00'),
      host: field,
      app: field,
      procid: field,
      msgid: field,
      sd,
      msg: message,
    });
    fc.assert(fc.property(line, (f) => {
      const offset = f.zone === 'Z' ? 0 : (f.zone[0] === '-' ? -1 : 1) * (Number(f.zone.slice(1, 3)) * 60 + Number(f.zone.slice(4)));
      const wall = new Date((f.sec + offset * 60) * 1000).toISOString().slice(0, 19);
      const text = `<${f.pri}>1 ${wall}${f.frac}${f.zone} ${f.host} ${f.app} ${f.procid} ${f.msgid} ${f.sd} ${f.msg}`;
      const ns = nsyslog(text);
      const ours = parse(text, '');
      const nsSd = Array.isArray(ns.structuredData) ? ns.structuredData : [];
      const ourSd = parseSd(ours.sd).map((el) => ({ $id: el.id, ...Object.fromEntries(el.params) }));
      assert.deepEqual(
        [ours.facility * 8 + ours.severity, ours.time, ours.hostname, ours.app, ours.procid, ours.msgid, ours.msg.toString(), ourSd],
        [ns.prival, ns.ts!.getTime(), nil(ns.host), nil(ns.appName), nil(ns.pid), nil(ns.messageid), ns.message, nsSd], text);
    }), { numRuns: RUNS });
  });
});
