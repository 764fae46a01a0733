import assert from 'node:assert/strict';
import {
  FACILITY_NAMES, SEVERITY_NAMES, facilityFromName, facilityName, parseFacility, parseSeverity,
  severityFromName, severityName,
} from './syslog.js';

describe('levels/syslog', () => {
  it('numbers the eight severities as RFC 5424 does', () => {
    assert.deepEqual([...SEVERITY_NAMES], ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug']);
    SEVERITY_NAMES.forEach((n, i) => {
      assert.equal(severityFromName(n), i);
      assert.equal(severityName(i), n);
    });
  });

  it('accepts the aliases error, warn, panic and any case', () => {
    assert.equal(severityFromName('error'), 3);
    assert.equal(severityFromName('WARN'), 4);
    assert.equal(severityFromName('Panic'), 0);
    assert.equal(severityFromName('INFO'), 6);
    assert.equal(severityFromName('verbose'), null);
  });

  it('parses a severity written as a number 0..7 only', () => {
    assert.equal(parseSeverity('0'), 0);
    assert.equal(parseSeverity(' 7 '), 7);
    assert.equal(parseSeverity('8'), null);
    assert.equal(parseSeverity('-1'), null);
    assert.equal(parseSeverity('notice'), 5);
    assert.equal(severityName(8), null);
  });

  it('numbers the 24 facilities with the names rsyslog prints', () => {
    assert.equal(FACILITY_NAMES.length, 24);
    const expected: Record<string, number> = {
      kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9,
      authpriv: 10, ftp: 11, ntp: 12, security: 13, console: 14, 'solaris-cron': 15, local0: 16, local7: 23,
    };
    for (const [name, n] of Object.entries(expected)) {
      assert.equal(facilityFromName(name), n, name);
      assert.equal(facilityFromName(name.toUpperCase()), n, name);
      assert.equal(facilityName(n), name);
    }
  });

  it('parses facilities by name or number and refuses others', () => {
    assert.equal(parseFacility('Mail'), 2);
    assert.equal(parseFacility('23'), 23);
    assert.equal(parseFacility('24'), null);
    assert.equal(parseFacility('local8'), null);
    assert.equal(facilityName(24), null);
  });
});
