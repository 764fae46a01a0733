import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { emptyBatch } from './rows.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { SqliteStore } from './sqlite.js';
import { SqliteFile } from './sqlite-file.js';
import { row, storeContract } from './store.contract.js';

let dir = '';
const file = () => path.join(dir, 'db', 'maillogd.db');

storeContract('sqlite', {
  fresh: () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maillogd-sqlite-'));
    return Promise.resolve();
  },
  make: () => new SqliteStore({ path: file(), busyTimeoutMs: 100, synchronous: 'normal' }),
  dispose: () => {
    fs.rmSync(dir, { recursive: true, force: true });
    return Promise.resolve();
  },
});

// Two files written side by side: the contract's batches go to both in turn.
storeContract('sqlite, two writers', {
  fresh: () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maillogd-sqlite-'));
    return Promise.resolve();
  },
  make: () => new SqliteStore({ path: file(), busyTimeoutMs: 100, synchronous: 'normal', writers: 2 }),
  dispose: () => {
    fs.rmSync(dir, { recursive: true, force: true });
    return Promise.resolve();
  },
});

describe('sqlite store', () => {
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maillogd-sqlite-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('makes the directory and runs in WAL mode', async () => {
    const s = new SqliteStore({ path: file(), busyTimeoutMs: 100, synchronous: 'normal' });
    await s.open();
    await s.close();
    const db = new Database(file(), { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
    assert.equal(fs.statSync(path.dirname(file())).mode & 0o777, 0o750 & ~process.umask());
  });

  it('answers every query shape from the indexes of each partition on 200,000 rows, and scans only the open one', async function () {
    this.timeout(60_000);
    const s = new SqliteStore({ path: file(), busyTimeoutMs: 100, synchronous: 'normal', partitionRows: 50_000 });
    await s.open();
    for (let at = 0; at < 200_000; at += 10_000) {
      const b = emptyBatch();
      for (let i = at; i < at + 10_000; i++) b.records.push(row(i, { host: `host${i % 50}`, app: `app${i % 20}` }));
      await s.insert(b);
    }
    const base = Date.UTC(2026, 10, 22, 10, 0, 0) * 1000;
    const plans = {
      time: await s.explain({ sinceUs: base + 1e9, untilUs: base + 2e9, limit: 100, from: 'oldest' }),
      host: await s.explain({ host: 'host7', limit: 100, from: 'newest' }),
      hostTime: await s.explain({ host: 'host7', sinceUs: base, limit: 100, from: 'newest' }),
      app: await s.explain({ app: 'app3', sinceUs: base, limit: 100, from: 'oldest' }),
      msgid: await s.explain({ msgid: 'Q000123', limit: 100, from: 'oldest' }),
      newest: await s.explain({ limit: 100, from: 'newest' }),
    };
    const db = new Database(file(), { readonly: true });
    const parts = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'records_[0-9]*'").pluck().all() as string[];
    db.close();
    // records_0 (empty: the table before schema 4), three closed partitions with their indexes
    // built, and the open one, full but not closed until a row comes that it cannot take.
    assert.equal(parts.length, 5, parts.join(' '));
    const open = parts.sort((a, b) => Number(a.slice(8)) - Number(b.slice(8))).at(-1)!;
    const closed = parts.filter((p) => p !== open && p !== 'records_0');
    for (const [name, plan] of Object.entries(plans)) {
      for (const m of plan.matchAll(/(SCAN|SEARCH) (records_\d+)(.*)/g)) {
        assert.match(m[3]!, /USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/, `${name}: ${m[0]}`);
        // Only the newest rows are read in time order without a condition on them.
        if (m[1] === 'SCAN' && name !== 'newest') assert.ok(m[2] === open || m[2] === 'records_0', `${name}: a closed partition is scanned: ${m[0]}`);
      }
    }
    for (const p of closed) {
      assert.match(plans.msgid, new RegExp(`SEARCH ${p} USING INDEX ${p}_mail_id`), plans.msgid);
      assert.match(plans.msgid, new RegExp(`SEARCH ${p} USING INDEX ${p}_msgid`), plans.msgid);
      assert.match(plans.host, new RegExp(`SEARCH ${p} USING INDEX ${p}_host_time`), plans.host);
      assert.match(plans.hostTime, new RegExp(`SEARCH ${p} USING INDEX ${p}_host_time`), plans.hostTime);
      assert.match(plans.app, new RegExp(`SEARCH ${p} USING INDEX ${p}_app_time`), plans.app);
      assert.match(plans.time, new RegExp(`SEARCH ${p} USING INDEX ${p}_time`), plans.time);
    }
    assert.match(plans.newest, /MERGE \(UNION ALL\)/);
    for (const id of ['Q000123', 'Q180000']) { // a closed partition, the open one
      const t0 = process.hrtime.bigint();
      const found = await s.query({ msgid: id, limit: 100, from: 'oldest' });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      assert.equal(found.length, 1);
      assert.ok(ms < 50, `a lookup by message id took ${ms} ms`);
    }
    assert.deepEqual((await s.query({ limit: 3, from: 'newest' })).map((r) => r.procid), ['200997', '200998', '200999']);
    assert.equal(await s.count('records'), 200_000);
    await s.close();
  });

  it('copies the WAL back into the file while it writes, on a thread of its own, and leaves no WAL when closed', async function () {
    this.timeout(60_000);
    const s = new SqliteStore({ path: file(), busyTimeoutMs: 100, synchronous: 'normal' });
    await s.open();
    for (let at = 0; at < 100_000; at += 10_000) {
      const b = emptyBatch();
      for (let i = at; i < at + 10_000; i++) b.records.push(row(i));
      await s.insert(b);
    }
    // The writer's own checkpoint waits for 40 MiB of WAL, more than these rows make (~17 MB).
    const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
    const deadline = Date.now() + 10_000;
    while (size(file()) < 10 * 1024 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(size(file()) >= 10 * 1024 * 1024, `the file holds ${size(file())} bytes, the WAL ${size(`${file()}-wal`)}`);
    await s.close();
    assert.equal(fs.existsSync(`${file()}-wal`), false, 'a WAL is left after close');
    const db = new Database(file(), { readonly: true });
    assert.equal(db.prepare('SELECT count(*) FROM records').pluck().get(), 100_000);
    db.close();
  });

  it('closes when its checkpoint thread has already ended', async () => {
    fs.mkdirSync(path.dirname(file()));
    const f = new SqliteFile({ path: file(), busyTimeoutMs: 100, synchronous: 'normal' });
    f.open();
    const c = (f as unknown as { checkpointer: { worker: Worker; gone: Promise<void> } }).checkpointer;
    await c.worker.terminate();
    const t0 = Date.now();
    await f.stopCheckpoints();
    assert.ok(Date.now() - t0 < 1000, `stopping took ${Date.now() - t0} ms`);
    f.close();
  });

  it('reports a locked database as transient, and writes once the lock is gone', async () => {
    const s = new SqliteStore({ path: file(), busyTimeoutMs: 20, synchronous: 'normal' });
    await s.open();
    const other = new Database(file());
    other.exec('BEGIN IMMEDIATE');
    const b = emptyBatch();
    b.records.push(row(1));
    await assert.rejects(s.insert(b), (e: Error & { transient?: boolean }) => e.transient === true && /SQLITE_BUSY/.test(e.message));
    other.exec('COMMIT');
    other.close();
    await s.insert(b);
    assert.equal(await s.count('records'), 1);
    await s.close();
  });

  it('refuses for good a batch with a row the table cannot take, writes none of it, and goes on', async () => {
    const s = new SqliteStore({ path: file(), busyTimeoutMs: 100, synchronous: 'normal' });
    await s.open();
    for (const bad of [3, 20, 39]) {
      const b = emptyBatch();
      for (let i = 0; i < 40; i++) b.records.push(i === bad ? { ...row(i), host: null as unknown as string } : row(i));
      b.connector.push({ timeUs: 1, instance: '1', event: 0, ok: true, info: '', options: '' });
      await assert.rejects(s.insert(b), (e: Error & { transient?: boolean }) => e.transient === false && /NOT NULL.*records_\d+\.host/.test(e.message));
    }
    assert.deepEqual([await s.count('records'), await s.count('connectorlog')], [0, 0]);
    const b = emptyBatch();
    for (let i = 0; i < 40; i++) b.records.push(row(i));
    await s.insert(b);
    assert.deepEqual((await s.query({ limit: 100, from: 'oldest' })).map((r) => r.procid), b.records.map((r) => r.procid));
    await s.close();
  });

  it('upgrades a database an older maillogd made, keeping its rows; the id indexes then skip rows without an id', async () => {
    fs.mkdirSync(path.dirname(file()));
    const old = new Database(file());
    old.exec('CREATE TABLE maillogd_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied INTEGER NOT NULL)');
    for (const sql of MIGRATIONS[0]!.sqlite) old.exec(sql);
    old.prepare('INSERT INTO maillogd_schema VALUES (1, ?, 0)').run(MIGRATIONS[0]!.name);
    const insert = old.prepare("INSERT INTO records (time, received, host, app, procid, msgid, mail_id, facility, severity, message, input, peer) " +
      "VALUES (?, 0, 'h', 'a', '', ?, ?, 2, 6, 'm', 'tcp', '')");
    insert.run(1, '', 'Q1');
    insert.run(2, 'ID7', '');
    insert.run(3, '', '');
    old.close();
    const s = new SqliteStore({ path: file(), busyTimeoutMs: 100, synchronous: 'normal' });
    assert.deepEqual(await s.open(), { from: 1, to: SCHEMA_VERSION });
    assert.deepEqual((await s.query({ msgid: 'Q1', limit: 10, from: 'oldest' })).map((r) => r.timeUs), [1]);
    assert.deepEqual((await s.query({ msgid: 'ID7', limit: 10, from: 'oldest' })).map((r) => r.timeUs), [2]);
    assert.deepEqual((await s.query({ msgid: '', limit: 10, from: 'oldest' })).map((r) => r.timeUs), [1, 2, 3]);
    assert.match(await s.explain({ msgid: 'Q1', limit: 10, from: 'oldest' }), /records_mail_id[^]*records_msgid/);
    // Schema 4: the old table is records_0, with its rows and indexes; new rows go to a partition after it.
    const b = emptyBatch();
    b.records.push(row(4, { mailId: 'Q1' }));
    await s.insert(b);
    assert.deepEqual((await s.query({ msgid: 'Q1', limit: 10, from: 'oldest' })).map((r) => [r.id, r.timeUs]), [[1, 1], [4, b.records[0]!.timeUs]]);
    await s.close();
    const db = new Database(file(), { readonly: true });
    const sql = (name: string) => (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(name) as { sql: string }).sql;
    assert.match(sql('records_mail_id'), /ON "records_0" .*WHERE mail_id <> ''$/);
    assert.match(sql('records_msgid'), /ON "records_0" .*WHERE msgid <> ''$/);
    assert.deepEqual(db.prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'records_0' ORDER BY name").pluck().all(),
      ['records_0', 'records_app_time', 'records_host_time', 'records_mail_id', 'records_msgid', 'records_time']);
    assert.deepEqual(db.prepare('SELECT id FROM records_4').pluck().all(), [4]);
    assert.match(sql('records'), /^CREATE VIEW records AS SELECT \* FROM records_0 UNION ALL SELECT \* FROM records_4$/);
    db.close();
  });

  it('lets a read-only store (maillogctl) read what the writing store committed while it is open', async () => {
    const writer = new SqliteStore({ path: file(), busyTimeoutMs: 100, synchronous: 'normal' });
    await writer.open();
    const b = emptyBatch();
    for (let i = 0; i < 50; i++) b.records.push(row(i));
    await writer.insert(b);
    const reader = new SqliteStore({ path: file(), busyTimeoutMs: 100, synchronous: 'normal', readonly: true });
    assert.deepEqual(await reader.open(), { from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    assert.deepEqual((await reader.query({ msgid: 'Q000017', limit: 10, from: 'oldest' })).map((r) => r.procid), ['1017']);
    await writer.insert(b);
    assert.equal(await reader.count('records'), 100);
    await reader.close();
    await writer.close();
    await assert.rejects(new SqliteStore({ path: path.join(dir, 'none.db'), busyTimeoutMs: 100, synchronous: 'normal', readonly: true }).open(),
      /cannot open .*none\.db/);
  });

  it('refuses to write a file a newer maillogd made, and still reads it', async () => {
    const s = new SqliteStore({ path: file(), busyTimeoutMs: 100, synchronous: 'normal' });
    await s.open();
    await s.close();
    const db = new Database(file());
    db.prepare("INSERT INTO maillogd_schema VALUES (?, 'from the future', 0)").run(SCHEMA_VERSION + 1);
    db.close();
    await assert.rejects(s.open(), (e: Error & { transient?: boolean }) =>
      e.transient === false && e.message.includes(`its schema (${SCHEMA_VERSION + 1}) was made by a newer maillogd`) && e.message.includes(file()));
    const reader = new SqliteStore({ path: file(), busyTimeoutMs: 100, synchronous: 'normal', readonly: true });
    assert.deepEqual(await reader.open(), { from: SCHEMA_VERSION + 1, to: SCHEMA_VERSION + 1 });
    assert.equal(await reader.count('records'), 0);
    await reader.close();
  });

  it('says which file it could not open', async () => {
    fs.writeFileSync(path.join(dir, 'db'), 'a file where a directory should be');
    const s = new SqliteStore({ path: file(), busyTimeoutMs: 20, synchronous: 'normal' });
    await assert.rejects(s.open(), /cannot open .*maillogd\.db/);
  });
});
