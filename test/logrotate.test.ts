// The shipped logrotate configuration (logrotate/maillogd) run by the real logrotate against the
// built daemon while 100,000 numbered records stream in over TCP: five forced rotations, each
// ending in the shipped postrotate's SIGHUP through the pid file. Every number must be in the
// all.log and mail.log generations (plain and gzipped) exactly once, and the daemon must
// still be running afterwards.

import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { ROOT, startDaemon, type RunningDaemon } from './support/daemon.js';
import { feedTcp, numberedText, numberOf } from './support/feed.js';
import { waitFor } from './support/wait.js';

const run = promisify(execFile);
const SHIPPED = path.join(ROOT, 'logrotate/maillogd');
const COUNT = 100_000;
const PER_SEC = 8_000;
const ROTATIONS = 5;

/**
 * The shipped file with only its paths changed: the log directory, the pid file, and `su`
 * (the test's log root belongs to the user running the test; there is no maillogd user).
 */
function testCopy(logRoot: string, pidFile: string): string {
  const shipped = readFileSync(SHIPPED, 'utf8');
  const asRoot = process.getuid?.() === 0;
  const copy = shipped.split('\n').map((line) => line
    .replaceAll('/var/log/maillogd/', `${logRoot}/`)
    .replaceAll('/run/maillogd/maillogd.pid', pidFile)
    .replace(/^(\s*)su maillogd maillogd$/, asRoot ? '$1su root root' : ''));
  const changed = shipped.split('\n').filter((line, i) => line !== copy[i]);
  assert.deepEqual(changed.map((l) => l.trim()), [
    '/var/log/maillogd/*.log', '/var/log/maillogd/paniclog', 'su maillogd maillogd', 'pidfile=/run/maillogd/maillogd.pid',
  ], 'the shipped file changed shape: update the rewriting here');
  return copy.join('\n');
}

/** Every line of `base` and its rotated generations (base.N, base.N.gz) in `dir`, in any order. */
function generations(dir: string, base: string): { files: string[]; counts: number[]; lines: string[] } {
  const files = readdirSync(dir).filter((n) => n === base || n.startsWith(`${base}.`)).sort();
  const out: string[] = [];
  const counts: number[] = [];
  for (const name of files) {
    const raw = readFileSync(path.join(dir, name));
    const text = (name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    const before = out.length;
    // Not push(...lines): a file of ~100k lines is more arguments than the stack takes.
    if (text) for (const l of text.replace(/\n$/, '').split('\n')) out.push(l);
    counts.push(out.length - before);
  }
  return { files, counts, lines: out };
}

function tally(lines: readonly string[]): { lines: number; missing: number; duplicated: number; foreign: number } {
  const seen = new Uint8Array(COUNT + 1);
  let foreign = 0;
  for (const l of lines) {
    const n = numberOf(l);
    if (n === null || n < 1 || n > COUNT) foreign++;
    else seen[n] = Math.min(255, seen[n]! + 1);
  }
  let missing = 0;
  let duplicated = 0;
  for (let n = 1; n <= COUNT; n++) {
    if (seen[n] === 0) missing++;
    else if (seen[n]! > 1) duplicated++;
  }
  return { lines: lines.length, missing, duplicated, foreign };
}

const reopens = (d: RunningDaemon): number => d.stderr().split('files reopened').length - 1;

describe('logrotate configuration', function () {
  this.timeout(90_000);
  let d: RunningDaemon | null = null;

  before(function () {
    if (spawnSync('logrotate', ['--version']).status !== 0) {
      console.log('      skipped: logrotate is not installed');
      this.skip();
    }
  });
  after(async () => {
    await d?.stop();
  });

  it('rotates under load with nothing lost or duplicated, the daemon reopening on HUP', async () => {
    const started = Date.now();
    d = await startDaemon(`pid_file = {DIR}/maillogd.pid
[input.tcp]
type = tcp
port = 0
port_file = {PORT:tcp}
[output.all]
type = file
path = all.log
[output.mail]
type = file
path = mail.log
[rule.mail]
priority = 10
facility = mail
outputs = mail
[rule.all]
priority = 100
outputs = all
`);
    const daemon = d;
    const conf = path.join(daemon.dir, 'logrotate.conf');
    writeFileSync(conf, testCopy(daemon.logRoot, path.join(daemon.dir, 'maillogd.pid')), { mode: 0o644 });
    const state = path.join(daemon.dir, 'logrotate.status');

    let sending = true;
    const feeding = feedTcp(daemon.ports.tcp!, COUNT,
      (i) => `<22>Nov 22 04:00:00 mx postfix/smtpd[9]: ${numberedText(i)}\n`, PER_SEC)
      .finally(() => { sending = false; });
    let duringStream = 0;
    try {
      for (let k = 1; k <= ROTATIONS; k++) {
        await delay(1_500);
        const before = reopens(daemon);
        const r = await run('logrotate', ['-f', '-s', state, conf], { timeout: 30_000 });
        assert.equal(`${r.stdout}${r.stderr}`, '', `logrotate run ${k}`);
        // The next run compresses the .1 file: the daemon must have let go of it by then.
        await waitFor(`the daemon to reopen its files after logrotate run ${k}`, () => reopens(daemon) > before, 10_000);
        if (sending) duringStream++;
      }
    } finally {
      await feeding;
    }
    assert.equal(duringStream, ROTATIONS, 'every rotation should happen while records stream in');

    let seen = '';
    await waitFor('every record in all.log and mail.log', () => {
      const a = generations(daemon.logRoot, 'all.log').lines.length;
      const m = generations(daemon.logRoot, 'mail.log').lines.length;
      seen = `all.log family ${a} lines, mail.log family ${m}`;
      return a >= COUNT && m >= COUNT;
    }, 30_000, 200).catch((err: Error) => {
      throw new Error(`${err.message}; ${seen}; files: ${readdirSync(daemon.logRoot).sort().join(' ')}`);
    });
    assert.equal(daemon.proc.exitCode, null, 'the daemon should still be running');
    assert.equal(daemon.proc.signalCode, null, 'the daemon should still be running');
    assert.equal(reopens(daemon), ROTATIONS);
    assert.equal(await daemon.stop(), 0);

    const all = generations(daemon.logRoot, 'all.log');
    const mail = generations(daemon.logRoot, 'mail.log');
    // delaycompress: the newest rotated file stays plain, the older ones are gzipped.
    const expected = (base: string) => [base, `${base}.1`, ...[2, 3, 4, 5].map((n) => `${base}.${n}.gz`)].sort();
    assert.deepEqual(all.files, expected('all.log'));
    assert.deepEqual(mail.files, expected('mail.log'));
    assert.deepEqual(generations(daemon.logRoot, 'paniclog').files, expected('paniclog'));
    assert.deepEqual(tally(all.lines), { lines: COUNT, missing: 0, duplicated: 0, foreign: 0 });
    assert.deepEqual(tally(mail.lines), { lines: COUNT, missing: 0, duplicated: 0, foreign: 0 });
    const sizes = all.files.map((f, i) => `${f} ${all.counts[i]}`);
    console.log(`      ${ROTATIONS} logrotate runs during the stream, ${COUNT} records in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `all.log generations: ${sizes.join(', ')}`);
  });
});
