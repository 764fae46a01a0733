import assert from 'node:assert/strict';
import { formatLocalUs, parseWhen, syslogLine } from './query.js';
import { row } from '../db/store.contract.js';

describe('maillogctl time and output helpers', () => {
  const now = new Date(2026, 10, 22, 15, 30, 0).getTime();

  it('reads the times an admin types', () => {
    assert.equal(parseWhen('now', now), now * 1000);
    assert.equal(parseWhen('15m', now), (now - 15 * 60_000) * 1000);
    assert.equal(parseWhen('2h', now), (now - 2 * 3_600_000) * 1000);
    assert.equal(parseWhen('3 days ago', now), (now - 3 * 86_400_000) * 1000);
    assert.equal(parseWhen('1w', now), (now - 7 * 86_400_000) * 1000);
    assert.equal(parseWhen('today', now), new Date(2026, 10, 22).getTime() * 1000);
    assert.equal(parseWhen('yesterday', now), new Date(2026, 10, 21).getTime() * 1000);
    assert.equal(parseWhen('2026-11-22', now), new Date(2026, 10, 22).getTime() * 1000);
    assert.equal(parseWhen('2026-11-22 10:05', now), new Date(2026, 10, 22, 10, 5).getTime() * 1000);
    assert.equal(parseWhen('2026-11-22T10:05:07.25', now), new Date(2026, 10, 22, 10, 5, 7).getTime() * 1000 + 250_000);
    assert.equal(parseWhen('2026-11-22T10:05:07.123456Z', now), Date.UTC(2026, 10, 22, 10, 5, 7) * 1000 + 123_456);
    assert.equal(parseWhen('2026-11-22T10:05:07+01:00', now), Date.UTC(2026, 10, 22, 9, 5, 7) * 1000);
  });

  it('refuses what it cannot read', () => {
    for (const bad of ['', 'last tuesday', '2026-13-01', '2026-02-30', '10', '5 fortnights', '2026-11-22T25:00:00Z']) {
      assert.equal(parseWhen(bad, now), null, bad);
    }
  });

  it('prints µs local times and syslog lines', () => {
    const us = new Date(2026, 10, 22, 9, 8, 7).getTime() * 1000 + 42;
    assert.equal(formatLocalUs(us), '2026-11-22 09:08:07.000042');
    const r = { ...row(1), id: 1, timeUs: us };
    assert.equal(syslogLine(r), `Nov 22 09:08:07 host1 postfix/smtpd[1001]: ${r.message}`);
    assert.equal(syslogLine({ ...r, app: '', procid: '' }), `Nov 22 09:08:07 host1 ${r.message}`);
  });
});
