// The embedded default fills its SQLite database, and maillogctl finds what happened to a message:
// the built daemon run with no config (as `npm start` runs it), real logger, real SQLite file.

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DAEMON_JS, ROOT, startDaemon, tempDir, type RunningDaemon } from './support/daemon.js';
import { waitFor } from './support/wait.js';

const CTL_JS = path.join(ROOT, 'dist/cli/maillogctl.js');

function ctl(cwd: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CTL_JS, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('embedded default → SQLite → maillogctl', function () {
  this.timeout(60_000);
  const dir = tempDir('maillogd-default-');
  const dbFile = path.join(dir, 'var/lib/maillogd/maillogd.db');
  const tag = `t${process.pid}`;
  let exitCode: Promise<number | null>;

  before(async () => {
    const proc = spawn(process.execPath, [DAEMON_JS], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    proc.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    exitCode = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
    await waitFor('the default config to start', () => {
      if (proc.exitCode !== null) throw new Error(`daemon exited: ${err}`);
      return err.includes(': started:');
    }, 20_000);
    const send = (args: string[], msg: string) =>
      execFileSync('logger', ['-n', '127.0.0.1', '-P', '5514', '-p', 'mail.info', '-t', 'postfix/smtp', '--id=4242', ...args, msg]);
    send(['-d'], `4F1A2B3C4D: to=<a@example.org>, relay=mx.example.org, status=deferred ${tag}`);
    send(['-T'], `4F1A2B3C4D: to=<a@example.org>, relay=mx.example.org, status=sent ${tag}`);
    send(['-T'], `C0FFEE1234: to=<b@example.org>, status=bounced ${tag}`);
    await waitFor('3 rows in the database', () => {
      if (!fs.existsSync(dbFile)) return false;
      const db = new Database(dbFile, { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM records WHERE instr(message, ?) > 0').get(tag) as { n: number }).n === 3;
      } finally {
        db.close();
      }
    }, 20_000, 100);
    process.kill(proc.pid!, 'SIGTERM');
    assert.equal(await exitCode, 0);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the rows beside the files, in var/lib/maillogd/maillogd.db', () => {
    assert.ok(fs.readFileSync(path.join(dir, 'var/log/maillogd/mail.log'), 'utf8').includes(tag));
    const db = new Database(dbFile, { readonly: true });
    const rows = db.prepare('SELECT host, app, procid, mail_id, facility, severity, input FROM records ORDER BY id').all();
    db.close();
    assert.equal(rows.length, 3);
    assert.deepEqual(rows.map((r) => (r as { mail_id: string }).mail_id), ['4F1A2B3C4D', '4F1A2B3C4D', 'C0FFEE1234']);
    assert.deepEqual(rows.map((r) => (r as { input: string }).input).sort(), ['tcp', 'tcp', 'udp']);
    for (const r of rows as { app: string; procid: string; facility: number; severity: number }[]) {
      assert.equal(r.app, 'postfix/smtp');
      assert.equal(r.procid, '4242');
      assert.equal(r.facility, 2);
      assert.equal(r.severity, 6);
    }
  });

  it('traces one message in time order', () => {
    const r = ctl(dir, 'trace', '4F1A2B3C4D', '--format', 'raw');
    assert.equal(r.code, 0, r.err);
    const out = r.out.trim().split('\n');
    assert.equal(out.length, 2);
    assert.match(out[0]!, /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ postfix\/smtp\[4242\]: 4F1A2B3C4D: .*status=deferred/);
    assert.match(out[1]!, /status=sent/);
    assert.equal(ctl(dir, 'trace', 'NOSUCHID').code, 1);
  });

  it('queries with filters, as a table and as JSON', () => {
    const table = ctl(dir, 'query', '--grep', 'bounced', '--since', '1h', '--app', 'postfix/*', '--severity', 'info');
    assert.equal(table.code, 0, table.err);
    const lines = table.out.trim().split('\n');
    assert.match(lines[0]!, /^TIME +HOST +SEVERITY +TAG +MAIL-ID +MESSAGE$/);
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, /info +postfix\/smtp\[4242\]: +C0FFEE1234 +C0FFEE1234: to=<b@example\.org>, status=bounced/);
    const json = ctl(dir, 'query', '--format', 'json', '--limit', '2');
    assert.equal(json.code, 0, json.err);
    const objs = json.out.trim().split('\n').map((l) => JSON.parse(l) as { mail_id: string; severity: string; time: string });
    assert.deepEqual(objs.map((o) => o.mail_id), ['4F1A2B3C4D', 'C0FFEE1234']);
    assert.equal(objs[0]!.severity, 'info');
    assert.match(objs[0]!.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.equal(ctl(dir, 'query', '--severity', 'err').out, '');
  });

  it('says what is wrong with a bad command line or a missing database', () => {
    const bad = ctl(dir, 'query', '--since', 'last tuesday');
    assert.equal(bad.code, 64);
    assert.match(bad.err, /--since: cannot read "last tuesday" as a time/);
    assert.equal(ctl(dir, 'query', '--nope').code, 64);
    assert.equal(ctl(dir, 'frobnicate').code, 64);
    const missing = ctl(tempDir('maillogd-nodb-'), 'query');
    assert.equal(missing.code, 69);
    assert.match(missing.err, /no database at .*maillogd\.db/);
    const db = ctl(dir, '--db', dbFile, 'query', '--host', 'nohost');
    assert.equal(db.code, 0, db.err);
    assert.equal(db.out, '');
  });
});

describe('sqlite output with two writers → maillogctl', function () {
  this.timeout(60_000);
  let d: RunningDaemon;
  let conf = '';
  const tag = `w${process.pid}`;
  const N = 4000;

  before(async () => {
    d = await startDaemon(`
[input.tcp]
type = tcp
port = 0
port_file = {PORT:tcp}

[output.db]
type = sqlite
writers = 2
batch_max_rows = 100
flush_interval_ms = 0

[rule.all]
priority = 10
outputs = db
`);
    conf = path.join(d.dir, 'maillogd.ini');
    // Queue ids 100000AB, 100001AB..., two lines each, fed through one logger over TCP.
    const lines = Array.from({ length: N }, (_, i) => `${(0x100000 + Math.floor(i / 2)).toString(16)}AB: status=sent ${tag} n=${i}`);
    execFileSync('logger', ['-n', '127.0.0.1', '-P', String(d.ports.tcp), '-T', '-p', 'mail.info', '-t', 'postfix/smtp'],
      { input: lines.join('\n') + '\n' });
    await waitFor(`${N} rows in the database`, () => ctl(d.dir, '--config', conf, 'query', '--grep', tag, '--limit', String(N + 1), '--format', 'raw')
      .out.split('\n').filter(Boolean).length === N, 30_000, 200);
    assert.equal(await d.stop(), 0);
  });
  after(() => fs.rmSync(d.dir, { recursive: true, force: true }));

  it('writes both files and maillogctl reads them as one, in time order', () => {
    const files = [path.join(d.dir, 'state/maillogd.db'), path.join(d.dir, 'state/maillogd.1.db')];
    const counts = files.map((f) => {
      const db = new Database(f, { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
      } finally {
        db.close();
      }
    });
    assert.ok(counts[0]! > 0 && counts[1]! > 0, `rows in each file: ${counts.join(', ')}`);
    assert.equal(counts[0]! + counts[1]!, N);

    const json = ctl(d.dir, '--config', conf, 'query', '--grep', tag, '--limit', String(N), '--format', 'json');
    assert.equal(json.code, 0, json.err);
    const rows = json.out.trim().split('\n').map((l) => JSON.parse(l) as { id: number; time: string; message: string });
    assert.equal(rows.length, N);
    assert.equal(new Set(rows.map((r) => r.id)).size, N, 'ids unique across the files');
    assert.ok(rows.every((r, i) => i === 0 || r.time >= rows[i - 1]!.time), 'in time order');
    // A message whose two lines may have gone to either file.
    const second = new Database(files[1], { readonly: true });
    const id = (second.prepare('SELECT mail_id FROM records LIMIT 1').get() as { mail_id: string }).mail_id;
    second.close();
    const trace = ctl(d.dir, '--config', conf, 'trace', id, '--format', 'raw');
    assert.equal(trace.code, 0, trace.err);
    assert.equal(trace.out.trim().split('\n').length, 2, trace.out);
  });
});
