import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DialectRecogniser } from '../../dialects/recognise.js';
import type { LogRecord } from '../../record.js';
import { parse } from '../../syslog/syslog.testkit.js';
import { Counters } from '../../telemetry/counters.js';
import { outputEnv, validConfig, waitFor, type OutputEnv } from '../output.testkit.js';
import { createSqliteOutput, sqliteOutputSpec, sqliteStoreFor } from '../sqlite/index.js';
import { DbOutput } from './index.js';
import type { RowBatch } from '../../db/rows.js';
import { StoreError, type Store } from '../../db/store.js';
import type { Output } from '../../component.js';

const dialects = new DialectRecogniser('auto', new Counters(), 'input.test');

function records(from: number, n: number): LogRecord[] {
  const out: LogRecord[] = [];
  for (let i = from; i < from + n; i++) {
    out.push(parse(`<22>Nov 22 10:00:00 mx1 postfix/smtp[${i}]: 4F1A${String(i).padStart(6, '0')}: to=<u${i}@example.org>, status=sent`));
  }
  return out;
}

const seqOf = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

function dbRows(file: string, sql: string): Record<string, unknown>[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

describe('database output (sqlite)', function () {
  this.timeout(20_000);
  let env: OutputEnv;
  let out: Output | null;
  let file: string;
  const make = (keys: Record<string, unknown> = {}): Output => {
    out = createSqliteOutput(validConfig(sqliteOutputSpec, { retry_min_ms: 20, retry_max_ms: 50, flush_interval_ms: 0, ...keys }, 'output.db'), env.ctx);
    return out;
  };
  const counter = (name: string, reason = '') => env.counters.get('output.db', name, reason).value;
  const procids = () => dbRows(file, 'SELECT procid FROM records ORDER BY id').map((r) => Number(r.procid));
  const seq = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

  beforeEach(() => {
    env = outputEnv('db', 'dbout');
    file = path.join(env.ctx.stateDir, 'maillogd.db');
    out = null;
  });
  afterEach(async () => {
    await out?.close();
    fs.rmSync(env.base, { recursive: true, force: true });
  });

  it('writes every record with its header fields and mail id, in order', async () => {
    const o = make({ batch_max_rows: 700 });
    await o.open();
    for (let i = 0; i < 5000; i += 250) o.write(records(i, 250));
    await o.flush();
    assert.deepEqual(procids(), seq(0, 5000));
    const [r] = dbRows(file, "SELECT * FROM records WHERE procid = '42'");
    assert.equal(r!.host, 'mx1');
    assert.equal(r!.app, 'postfix/smtp');
    assert.equal(r!.mail_id, '4F1A000042');
    assert.equal(r!.facility, 2);
    assert.equal(r!.severity, 6);
    assert.equal(r!.message, '4F1A000042: to=<u42@example.org>, status=sent');
    assert.equal(counter('written'), 5000);
    assert.ok(counter('batches') >= 8, `batches=${counter('batches')}`);
  });

  it('fills connectorlog and routelog from EMG connector lines', async () => {
    const o = make();
    await o.open();
    const lines = [
      'Sep 11 22:34:34.433 (2) RECEIVE OK (orphaned) 001:71 034:127.0.0.1 022:stenor 059:mgp 093:1031776474 094:393 008:1234 017:3',
      'Sep 11 22:35:30.275 (4) SEND OK (pdu=1/1) 001:71 034:127.0.0.1 022:stenor 059:mgp 093:1031776474 094:393 008:1234 095:1031776530 096:269 017:3',
      'Sep 11 22:35:40.512 (4) LOGOUT OK',
    ];
    o.write(lines.map((l) => {
      const rec = parse(l);
      dialects.apply(rec);
      return rec;
    }));
    await o.flush();
    const conn = dbRows(file, 'SELECT instance, event, ok, info, options FROM connectorlog ORDER BY id');
    assert.deepEqual(conn.map((c) => [c.instance, c.event, c.ok, c.info]), [['2', 5, 1, 'orphaned'], ['4', 4, 1, 'pdu=1/1'], ['4', 3, 1, '']]);
    const route = dbRows(file, 'SELECT mail_id, instance, direction, destination FROM routelog ORDER BY id');
    assert.deepEqual(route, [
      { mail_id: '71', instance: '2', direction: 'in', destination: '1234' },
      { mail_id: '71', instance: '4', direction: 'out', destination: '1234' },
    ]);
    assert.deepEqual(dbRows(file, 'SELECT mail_id, dialect FROM records ORDER BY id').map((r) => r.mail_id), ['71', '71', '']);
  });

  it('with two writers, keeps batches in flight to both files and writes every record once', async () => {
    const o = make({ batch_max_rows: 500, writers: 2 });
    await o.open();
    for (let i = 0; i < 20_000; i += 1000) o.write(records(i, 1000));
    await o.flush();
    const second = path.join(env.ctx.stateDir, 'maillogd.1.db');
    const each = [file, second].map((f) => dbRows(f, 'SELECT procid FROM records ORDER BY id').map((r) => Number(r.procid)));
    assert.ok(each[0]!.length > 0 && each[1]!.length > 0, `rows in both files: ${each[0]!.length}, ${each[1]!.length}`);
    // Each file takes its batches in the order they were taken from memory.
    for (const ids of each) assert.ok(ids.every((p, i) => i === 0 || p > ids[i - 1]!), 'in order within a file');
    assert.deepEqual([...each[0]!, ...each[1]!].sort((a, b) => a - b), seq(0, 20_000));
    assert.equal(counter('written'), 20_000);
    assert.ok(counter('batches') >= 40, `${counter('batches')} batches`);
  });

  it('spools while the database is locked and catches up in order once it is free', async () => {
    const o = make({ busy_timeout_ms: 10, batch_max_rows: 500 });
    await o.open();
    o.write(records(0, 1000));
    await o.flush();
    const lock = new Database(file);
    lock.exec('BEGIN IMMEDIATE');
    for (let i = 1000; i < 4000; i += 500) o.write(records(i, 500));
    await o.flush();
    assert.ok(counter('spooled') > 0, 'rows went to the spool');
    assert.ok(fs.readdirSync(path.join(env.ctx.stateDir, 'spool', 'db')).some((n) => n.endsWith('.jsonl')));
    assert.ok(env.messages.some((m) => /SQLITE_BUSY.*spool/.test(m)), env.messages.join('\n'));
    o.write(records(4000, 500));
    lock.exec('COMMIT');
    lock.close();
    await waitFor(() => counter('written') === 4500, 10_000);
    await o.flush();
    assert.deepEqual(procids(), seq(0, 4500));
    assert.equal(counter('discarded', 'spool_full'), 0);
  });

  it('keeps spooled rows across a restart and writes them first', async () => {
    let o = make({ busy_timeout_ms: 10 });
    await o.open();
    const lock = new Database(file);
    lock.exec('BEGIN IMMEDIATE');
    o.write(records(0, 300));
    await o.flush();
    await o.close();
    lock.exec('COMMIT');
    lock.close();
    assert.equal(dbRows(file, 'SELECT count(*) AS n FROM records')[0]!.n, 0);
    o = make({ busy_timeout_ms: 10 });
    await o.open();
    o.write(records(300, 100));
    await waitFor(() => counter('written') === 400, 10_000);
    await o.flush();
    assert.deepEqual(procids(), seq(0, 400));
    assert.ok(env.messages.some((m) => /wait in the spool from an earlier run/.test(m)));
  });

  it('counts and reports rows lost to a full spool', async () => {
    const o = make({ busy_timeout_ms: 5, spool_max_bytes: 4096 });
    await o.open();
    const lock = new Database(file);
    lock.exec('BEGIN IMMEDIATE');
    for (let i = 0; i < 10; i++) {
      o.write(records(i * 20, 20));
      await o.flush();
    }
    lock.exec('COMMIT');
    lock.close();
    const lost = counter('discarded', 'spool_full');
    assert.ok(lost > 0, 'some rows lost');
    assert.equal(env.messages.filter((m) => /spool full/.test(m)).length, 1, 'said once per episode');
    await waitFor(() => counter('written') + lost === 200, 10_000);
  });

  it('skips a torn spool line, counts it, and writes the rest', async () => {
    const dir = path.join(env.ctx.stateDir, 'spool', 'db');
    fs.mkdirSync(dir, { recursive: true });
    const good = { records: [], connector: [{ timeUs: 1, instance: '9', event: 0, ok: true, info: '', options: '' }], route: [], pdu: [] };
    fs.writeFileSync(path.join(dir, '0000000001.jsonl'), `${JSON.stringify(good)}\n{"records":[{"ti\n${JSON.stringify(good)}\n`);
    const o = make();
    await o.open();
    await waitFor(() => counter('batches') === 2, 5000);
    assert.equal(counter('discarded', 'spool_corrupt'), 1);
    assert.equal(dbRows(file, 'SELECT count(*) AS n FROM connectorlog')[0]!.n, 2);
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl')), []);
  });

  it('sets aside a row the database refuses and writes the rest of its batch', async () => {
    let o = make();
    await o.open();
    o.write(records(100, 1));
    await o.close();
    // On the partition that takes rows (`records` is a view of the partitions).
    const db = new Database(file);
    const open = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'records_[0-9]*' " +
      'ORDER BY CAST(substr(name, 9) AS INTEGER) DESC LIMIT 1').pluck().get() as string;
    db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON ${open} WHEN NEW.procid = '7' BEGIN SELECT RAISE(ABORT, 'procid 7 refused'); END`);
    db.close();
    o = make();
    await o.open();
    o.write(records(0, 20));
    await o.flush();
    assert.deepEqual(procids(), [100, ...seq(0, 20).filter((i) => i !== 7)]);
    assert.equal(counter('discarded', 'rejected'), 1);
    assert.ok(env.messages.some((m) => /refused a records row: .*procid 7 refused/.test(m)), env.messages.join('\n'));
  });

  it('spools the rest of a batch it writes row by row when the store fails meanwhile, writing no row twice', async () => {
    // A real file behind a store that refuses the first whole batch for good and fails the 5th
    // single row as a lost connection would: a sequence no real failure can be timed to give.
    const config = validConfig(sqliteOutputSpec, { retry_min_ms: 20, retry_max_ms: 50, flush_interval_ms: 0 }, 'output.db');
    let refused = false;
    let singles = 0;
    const makeStore = (): Store => {
      const real = sqliteStoreFor(config, env.ctx.stateDir);
      return {
        kind: real.kind, where: real.where, lanes: real.lanes,
        open: () => real.open(), close: () => real.close(), prune: (t, n) => real.prune(t, n), query: (q) => real.query(q),
        explain: (q) => real.explain(q), schemaVersion: () => real.schemaVersion(), count: (t) => real.count(t),
        insert: (b: RowBatch) => {
          if (b.records.length > 1 && !refused) {
            refused = true;
            return Promise.reject(new StoreError('refused for good', false));
          }
          if (b.records.length === 1 && ++singles === 5) return Promise.reject(new StoreError('connection lost', true));
          return real.insert(b);
        },
      };
    };
    const o = new DbOutput(config, env.ctx, { mustOpenAtStart: true, makeStore });
    out = o;
    await o.open();
    o.write(records(0, 20));
    await waitFor(() => counter('written') === 20, 10_000);
    await o.flush();
    assert.deepEqual(procids(), seq(0, 20));
    assert.equal(counter('failures'), 1);
    assert.equal(counter('rejected'), 0);
    assert.equal(counter('spooled'), 16);
  });

  it('prunes rows older than max_age_days', async () => {
    let o = make();
    await o.open();
    const old = records(0, 30);
    for (const r of old) r.time = Date.now() - 3 * 86_400_000;
    const recent = records(30, 5);
    for (const r of recent) r.time = Date.now() - 86_400_000;
    o.write(old);
    o.write(recent);
    await o.close();
    o = make({ max_age_days: 2 });
    await o.open();
    await waitFor(() => counter('pruned') === 30, 5000);
    assert.deepEqual(procids(), seq(30, 5));
  });

  it('fails the start with the path when the file cannot be opened', async () => {
    fs.mkdirSync(env.ctx.stateDir, { recursive: true });
    fs.mkdirSync(file);
    await assert.rejects(make().open(), /output\.db: sqlite: cannot open .*maillogd\.db/);
  });
});

// Stores whose answers the test gives, one insert at a time: the orders of events two lanes can
// meet, which no real database can be timed to give.
describe('database output lanes', function () {
  this.timeout(20_000);
  let env: OutputEnv;
  let out: Output | null;
  interface Held { readonly store: number; readonly batch: RowBatch; resolve(): void; reject(e: Error): void }
  const procs = (b: RowBatch) => b.records.map((r) => Number(r.procid));

  beforeEach(() => {
    env = outputEnv('db', 'lanes');
    out = null;
  });
  afterEach(async () => {
    await out?.close();
    fs.rmSync(env.base, { recursive: true, force: true });
  });

  function scripted(insert: (store: number, b: RowBatch) => Promise<void>, open: () => Promise<void> = () => Promise.resolve()): () => Store {
    let made = 0;
    return () => {
      const n = made++;
      return {
        kind: 'sqlite', where: `scripted ${n}`, lanes: 2,
        open: () => open().then(() => ({ from: 4, to: 4 })), close: () => Promise.resolve(), prune: () => Promise.resolve(0),
        query: () => Promise.resolve([]), explain: () => Promise.resolve(''), schemaVersion: () => Promise.resolve(4), count: () => Promise.resolve(0),
        insert: (b) => insert(n, b),
      };
    };
  }

  it('reconnects only once the lanes writing to the failed store are done, and writes what failed before anything newer', async () => {
    const held: Held[] = [];
    const written: number[] = [];
    const makeStore = scripted((store, batch) => {
      if (store > 0) {
        written.push(...procs(batch));
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => held.push({ store, batch, reject, resolve: () => { written.push(...procs(batch)); resolve(); } }));
    });
    const config = validConfig(sqliteOutputSpec, { retry_min_ms: 20, retry_max_ms: 20, flush_interval_ms: 0, batch_max_rows: 10 }, 'output.db');
    const o = new DbOutput(config, env.ctx, { mustOpenAtStart: true, makeStore });
    out = o;
    await o.open();
    o.write(records(0, 20));
    await waitFor(() => held.length === 2);
    const [a, b] = held.splice(0);
    assert.deepEqual([procs(a!.batch)[0], procs(b!.batch)[0]], [0, 10]);
    a!.reject(new StoreError('database is locked (SQLITE_BUSY)', true));
    o.write(records(20, 10));
    await new Promise((resolve) => setTimeout(resolve, 150)); // several retry periods
    assert.deepEqual(written, [], 'nothing newer is written while a lane still writes to the failed store');
    b!.resolve();
    await waitFor(() => written.length === 30);
    assert.deepEqual(written, [...seqOf(10, 10), ...seqOf(0, 10), ...seqOf(20, 10)]);
    assert.equal(env.counters.get('output.db', 'failures').value, 1);
  });

  it('keeps rows in memory while the store is down, spooling them only past memory_max_rows', async () => {
    let down = false;
    const makeStore = scripted(() => {
      down = true;
      return Promise.reject(new StoreError('connection refused', true));
    }, () => (down ? Promise.reject(new StoreError('connection refused', true)) : Promise.resolve()));
    const config = validConfig(sqliteOutputSpec, { retry_min_ms: 60_000, retry_max_ms: 60_000, flush_interval_ms: 20, batch_max_rows: 1000 }, 'output.db');
    const o = new DbOutput(config, env.ctx, { mustOpenAtStart: true, makeStore });
    out = o;
    await o.open();
    for (let i = 0; i < 10; i++) {
      o.write(records(i * 10, 10));
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    // The first batch failed and went to the spool; the 90 rows after it wait in memory.
    assert.equal(env.counters.get('output.db', 'spooled').value, 10);
    await o.close();
    out = null;
    assert.equal(env.counters.get('output.db', 'spooled').value, 100);
    const dir = path.join(env.ctx.stateDir, 'spool', 'db');
    const lines = fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl'))
      .reduce((n, f) => n + fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean).length, 0);
    assert.equal(lines, 2, 'one spool batch for the failed insert, one for the rows in memory at close');
  });
});
