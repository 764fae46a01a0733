// The journal input against real journal files read by the real journalctl (--file): mail
// facility only, followed while it grows, and resumed after a restart with no gap and no replay.

import assert from 'node:assert/strict';
import path from 'node:path';
import { lines, startDaemon, tempDir, type RunningDaemon } from './support/daemon.js';
import { writeJournal, type ExportEntry } from './support/journal.js';
import { waitFor } from './support/wait.js';

// In the past: journal files refuse entries older than their newest one, and a file whose newest
// entry lies in the future is set aside on the next append.
const T0 = Date.UTC(2026, 0, 15, 8, 0, 0) * 1000;

/** Entries n..n+count-1: every third one is facility daemon (not mail) and must not be read. */
function entries(from: number, count: number): ExportEntry[] {
  return Array.from({ length: count }, (_, k) => {
    const n = from + k;
    return {
      timeUs: T0 + n * 1000 + 7,
      fields: {
        _HOSTNAME: 'mx9', SYSLOG_FACILITY: n % 3 === 0 ? '3' : '2', PRIORITY: String(n % 8),
        SYSLOG_IDENTIFIER: n % 2 ? 'postfix/smtp' : 'dovecot', _PID: String(100 + n),
        MESSAGE: `n=${String(n).padStart(6, '0')} to=<u${n}@example.org> ünïcödé`,
      },
    };
  });
}

const mailNumbers = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k).filter((n) => n % 3 !== 0);

describe('journal input (journalctl --file)', function () {
  this.timeout(90_000);
  const dir = tempDir('maillogd-journal-');
  const journal = path.join(dir, 'mail.journal');
  const ini = `[input.journal]
type = journal
files = ${journal}
start_at = beginning
[output.all]
type = file
path = all.log
format = rfc5424
[rule.all]
outputs = all
`;
  let daemon: RunningDaemon | null = null;
  after(async () => { await daemon?.stop(); });

  const numbers = (d: RunningDaemon) => lines(path.join(d.logRoot, 'all.log')).map((l) => Number(/n=(\d{6})/.exec(l)?.[1] ?? -1));

  it('reads the mail entries, follows new ones, and resumes after a restart without a gap or a repeat', async () => {
    writeJournal(journal, entries(1, 300));
    daemon = await startDaemon(ini, { dir });
    const d1 = daemon;
    await waitFor('the first 200 mail entries', () => numbers(d1).length >= 200, 20_000, 50);
    writeJournal(journal, entries(301, 300));
    await waitFor('the appended entries, followed', () => numbers(d1).length >= 400, 20_000, 50);
    const line = lines(path.join(d1.logRoot, 'all.log')).find((l) => l.includes('n=000001 '))!;
    assert.equal(line, '<17>1 2026-01-15T08:00:00.001007Z mx9 postfix/smtp 101 - - n=000001 to=<u1@example.org> ünïcödé');
    assert.equal(await d1.stop(), 0);
    daemon = null;

    writeJournal(journal, entries(601, 300)); // written while the daemon is down
    daemon = await startDaemon(ini, { dir });
    const d2 = daemon;
    await waitFor('every mail entry', () => numbers(d2).length >= mailNumbers(1, 901).length, 20_000, 50);
    writeJournal(journal, entries(901, 30));
    await waitFor('the last ones', () => numbers(d2).length >= mailNumbers(1, 931).length, 20_000, 50);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(numbers(d2), mailNumbers(1, 931), 'each mail entry exactly once, in order');
    assert.match(d2.stderr(), /following journal .*mail\.journal after the saved cursor/);
  });
});
