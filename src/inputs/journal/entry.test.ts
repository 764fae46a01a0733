import assert from 'node:assert/strict';
import { entryFrame } from './entry.js';

describe('journal entry → syslog frame', () => {
  it('keeps µs time, host, identifier, pid, facility and severity', () => {
    const f = entryFrame({
      __CURSOR: 'c1', __REALTIME_TIMESTAMP: '1768464000001007', _HOSTNAME: 'mx9', SYSLOG_FACILITY: '2', PRIORITY: '3',
      SYSLOG_IDENTIFIER: 'postfix/smtp', _PID: '101', MESSAGE: 'hello',
    }, 'local')!;
    assert.equal(f.cursor, 'c1');
    assert.equal(f.frame.toString(), '<19>1 2026-01-15T08:00:00.001007Z mx9 postfix/smtp 101 - - hello');
  });

  it('takes binary messages as bytes and fills what is missing', () => {
    const f = entryFrame({ __CURSOR: 'c2', MESSAGE: [0x61, 0x0a, 0xff, 0x62], _COMM: 'my prog' }, 'here')!;
    const text = f.frame.toString('latin1');
    assert.match(text, /^<14>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z here my_prog - - - a\n\xffb$/);
  });

  it('refuses an entry without a cursor', () => {
    assert.equal(entryFrame({ MESSAGE: 'x' }, 'h'), null);
  });
});
