import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startPostgres, type PgServer } from '../../test/support/postgres.js';
import { waitFor } from '../../test/support/wait.js';
import { isoMicros, PostgresStore, type PostgresOptions } from './postgres.js';
import { emptyBatch, type RecordRow, type RowBatch } from './rows.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { StoreError } from './store.js';
import { row, storeContract } from './store.contract.js';

function batchOf(rows: RecordRow[]): RowBatch {
  const b = emptyBatch();
  b.records.push(...rows);
  return b;
}

const isTransient = (transient: boolean) => (e: unknown) => e instanceof StoreError && e.transient === transient;

describe('postgres', function () {
  this.timeout(60_000);
  let server: PgServer;
  let db = '';
  let made = 0;

  before(async () => { server = await startPostgres(); });
  after(async () => { await server?.destroy(); });

  const fresh = async () => {
    db = `maillogd_${process.pid}_${++made}`;
    await server.createDatabase(db);
  };
  const dispose = () => server.dropDatabase(db);
  const make = (more: Partial<PostgresOptions> = {}) => new PostgresStore({
    connection: { host: server.host, port: server.port, user: 'postgres', database: db },
    connectTimeoutMs: 5000,
    ...more,
  });
  const sql = async <T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> => {
    const c = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: db });
    await c.connect();
    try {
      return (await c.query<T>(text, params)).rows;
    } finally {
      await c.end();
    }
  };

  storeContract('postgres', { fresh, make: () => make(), dispose });

  describe('postgres store', () => {
    let store: PostgresStore;
    beforeEach(async () => {
      await fresh();
      store = make();
    });
    afterEach(async () => {
      await store.close();
      await dispose();
    });

    it('writes times as ISO 8601 with six digits, without float rounding', () => {
      assert.equal(isoMicros(0), '1970-01-01T00:00:00.000000Z');
      assert.equal(isoMicros(-1), '1969-12-31T23:59:59.999999Z');
      assert.equal(isoMicros(-1_000_000), '1969-12-31T23:59:59.000000Z');
      assert.equal(isoMicros(1_795_341_600_999_999), '2026-11-22T10:00:00.999999Z');
      assert.equal(isoMicros(7_258_118_399_999_999), '2199-12-31T23:59:59.999999Z');
      assert.equal(isoMicros(-2_208_988_800_000_001), '1899-12-31T23:59:59.999999Z');
      assert.throws(() => isoMicros(Number.NaN), isTransient(false));
    });

    it('keeps every µs of a time, in and out, and compares on it exactly', async () => {
      await store.open();
      const times = [0, 1, -1, 999_999, 1_000_000, 1_795_341_600_999_999, 1_795_341_601_000_001, 7_258_118_399_999_999, -2_208_988_800_000_001];
      await store.insert(batchOf(times.map((t, i) => row(i, { timeUs: t, receivedUs: t + 999_999 }))));
      const got = await store.query({ limit: 100, from: 'oldest' });
      assert.deepEqual(got.map((r) => r.timeUs), [...times].sort((a, b) => a - b));
      for (const r of got) assert.equal(r.receivedUs, r.timeUs + 999_999);
      const at = 1_795_341_600_999_999;
      assert.deepEqual((await store.query({ sinceUs: at, untilUs: at + 1, limit: 10, from: 'oldest' })).map((r) => r.timeUs), [at]);
      assert.deepEqual((await store.query({ sinceUs: at + 2, untilUs: at + 3, limit: 10, from: 'oldest' })).map((r) => r.timeUs), [at + 2]);
      assert.deepEqual((await store.query({ sinceUs: at - 1, untilUs: at, limit: 10, from: 'oldest' })), []);
      const [stored] = await sql<{ t: string }>("SELECT to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS t FROM records WHERE time = $1", [isoMicros(at)]);
      assert.equal(stored?.t, '2026-11-22 10:00:00.999999');
    });

    // 400 hosts and 100 apps. With a few common ones (50 hosts, 2% each) reading `time` backwards
    // and filtering is as cheap, and PostgreSQL rightly takes records_time instead.
    it('answers lookups by message id, host and app from their indexes on 200,000 rows', async function () {
      this.timeout(120_000);
      await store.close();
      store = make({ partitionIds: 50_000 });
      await store.open();
      const t0 = process.hrtime.bigint();
      for (let at = 0; at < 200_000; at += 20_000) {
        const b = emptyBatch();
        for (let i = at; i < at + 20_000; i++) b.records.push(row(i, { host: `host${i % 400}`, app: `app${i % 100}` }));
        await store.insert(b);
      }
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      assert.equal(await store.count('records'), 200_000);
      await store.buildIndexes();
      await sql('ANALYZE records');
      const holding = (await sql<{ name: string }>('SELECT DISTINCT tableoid::regclass::text AS name FROM records ORDER BY 1')).map((r) => r.name);
      assert.deepEqual(holding, ['records_1', 'records_100001', 'records_150001', 'records_50001']);
      const base = Date.UTC(2026, 10, 22, 10, 0, 0) * 1000;
      const plans = {
        msgid: await store.explain({ msgid: 'Q000123', limit: 100, from: 'oldest' }),
        hostTime: await store.explain({ host: 'host7', sinceUs: base, limit: 100, from: 'newest' }),
        appTime: await store.explain({ app: 'app3', sinceUs: base + 1e9, untilUs: base + 2e9, limit: 100, from: 'oldest' }),
        time: await store.explain({ sinceUs: base + 1e9, untilUs: base + 2e9, limit: 100, from: 'oldest' }),
      };
      // Every partition that holds rows is read through an index; only the empty ones may be scanned.
      for (const [name, plan] of Object.entries(plans)) {
        const scanned = [...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]!);
        assert.deepEqual(scanned.filter((t) => holding.includes(t)), [], `${name}: ${plan}`);
        for (const t of holding) assert.match(plan, new RegExp(`on ${t}\\b`), `${name}: ${plan}`);
      }
      for (const t of holding) {
        assert.match(plans.msgid, new RegExp(`${t}_mail_id`), plans.msgid);
        assert.match(plans.msgid, new RegExp(`${t}_msgid`), plans.msgid);
        assert.match(plans.hostTime, new RegExp(`${t}_host_time`), plans.hostTime);
        assert.match(plans.appTime, new RegExp(`${t}_app_time`), plans.appTime);
      }
      const started = process.hrtime.bigint();
      const found = await store.query({ msgid: 'Q123456', limit: 100, from: 'oldest' });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      assert.equal(found.length, 1);
      assert.ok(ms < 50, `a lookup by message id took ${ms} ms`);
      const newest = await store.query({ host: 'host7', sinceUs: base, limit: 100, from: 'newest' });
      assert.equal(newest.length, 100);
      assert.equal(newest[99]!.procid, String(1000 + 199_607));
      if (process.env.MAILLOGD_BENCH) console.log(`      COPY: ${Math.round(200_000 / seconds)} rows/s`);
    });

    it('fails transiently while the server is down, and works again after open() once it is back', async () => {
      await store.open();
      await store.insert(batchOf([row(1)]));
      await server.stop();
      try {
        await assert.rejects(store.insert(batchOf([row(2)])), isTransient(true));
        await assert.rejects(store.count('records'), isTransient(true));
        const other = make();
        await assert.rejects(other.open(), (e) => isTransient(true)(e) && /ECONNREFUSED/.test((e as Error).message));
        await other.close();
        await store.close();
      } finally {
        await server.start();
      }
      await store.open();
      await store.insert(batchOf([row(2)]));
      const other = make();
      assert.deepEqual(await other.open(), { from: SCHEMA_VERSION, to: SCHEMA_VERSION });
      await other.insert(batchOf([row(3)]));
      assert.equal(await other.count('records'), 3);
      await other.close();
    });

    it('reconnects on open() without close() first, and fails a call still running when closed', async () => {
      await store.open();
      await Promise.all([store.open(), store.open()]);
      await store.insert(batchOf([row(1)]));
      await waitFor('one connection left', async () => {
        const [r] = await sql<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'maillogd'", [db]);
        return r?.n === '1';
      }, 5000);
      const running = assert.rejects(store.query({ grep: 'x', limit: 1, from: 'oldest' }), isTransient(true));
      await store.close();
      await running;
      await assert.rejects(store.insert(batchOf([row(2)])), isTransient(true));
    });

    it('refuses for good a row the database cannot take, writes nothing of its batch, and goes on', async () => {
      await store.open();
      const bad: RowBatch[] = [
        batchOf([row(1), row(2, { levelValue: 2 ** 40 })]),
        batchOf([row(1), row(2, { facility: 1.5 })]),
        batchOf([row(1), row(2, { fields: '{"not json' })]),
        batchOf([row(1), row(2, { mailId: randomBytes(4000).toString('base64') })]),
        batchOf([row(1), row(2, { timeUs: 1e300 })]),
      ];
      // Refused in a piece of COPY data made after several were sent: the COPY is abandoned.
      const big = batchOf(Array.from({ length: 30_000 }, (_, i) => row(i, { levelValue: i === 20_000 ? -(2 ** 40) : null })));
      big.pdu.push({ timeUs: 0, instance: '1', text: 'pdu' });
      bad.push(big);
      // Refused by the server (not JSON) while later pieces are still being sent.
      bad.push(batchOf(Array.from({ length: 30_000 }, (_, i) => row(i, { fields: i === 5_000 ? '{"not json' : null }))));
      const connector = batchOf([row(1)]);
      connector.connector.push({ timeUs: 0, instance: '1', event: 70_000, ok: true, info: '', options: '' });
      bad.push(connector);
      for (const b of bad) {
        await assert.rejects(store.insert(b), (e) => isTransient(false)(e) && /\((22|54)\w{3}\)|not a time|cannot be written/.test((e as Error).message));
      }
      assert.equal(await store.count('records'), 0);
      assert.equal(await store.count('connectorlog'), 0);
      assert.equal(await store.count('pdulog'), 0);
      await store.insert(batchOf([row(1)]));
      assert.equal(await store.count('records'), 1);
    });

    it('writes backslashes, tabs, newlines, CRs and \\N as they are, and NUL as #000', async () => {
      await store.open();
      const texts = ['\\N', '\\.', 'a\\b\\\\c', 'tab\there', 'line\nbreak', 'cr\rlf\r\n', '\\', '\\t', 'nul\0byte', '\0'];
      const fields = JSON.stringify({ nul: 'a\0b', lone: 'x\ud800y', pair: '😀', literal: '\\u0000', tab: '\t' });
      const b = batchOf(texts.map((t, i) => row(i, { message: t, host: t, app: t, fields })));
      b.pdu.push({ timeUs: 0, instance: 'i\\n', text: 'p\tq\\r\0' });
      b.route.push({ timeUs: 0, mailId: '\\N', instance: '\n', direction: 'in', ok: false, destination: '\\' });
      await store.insert(b);
      const want = texts.map((t) => t.replaceAll('\0', '#000'));
      const got = await store.query({ limit: 100, from: 'oldest' });
      assert.deepEqual(got.map((r) => r.message), want);
      assert.deepEqual(got.map((r) => r.host), want);
      assert.deepEqual(JSON.parse(got[0]!.fields!), { nul: 'a#000b', lone: 'x\ufffdy', pair: '😀', literal: '\\u0000', tab: '\t' });
      assert.deepEqual(await sql('SELECT instance, text FROM pdulog'), [{ instance: 'i\\n', text: 'p\tq\\r#000' }]);
      assert.deepEqual(await sql('SELECT mail_id, instance, ok, destination FROM routelog'), [{ mail_id: '\\N', instance: '\n', ok: false, destination: '\\' }]);
      assert.deepEqual((await store.query({ grep: '\\', limit: 100, from: 'oldest' })).length, 5);
    });

    it('migrates once when several maillogds open the same empty database at once', async () => {
      const stores = Array.from({ length: 4 }, make);
      try {
        const opened = await Promise.all(stores.map((s) => s.open()));
        assert.deepEqual(opened.map((v) => v.to), stores.map(() => SCHEMA_VERSION));
        assert.equal(opened.filter((v) => v.from === 0).length, 1);
        assert.deepEqual(await sql('SELECT version FROM maillogd_schema ORDER BY version'), MIGRATIONS.map((m) => ({ version: m.version })));
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    it('upgrades a database an older maillogd made, keeping its rows; the id indexes then skip rows without an id', async () => {
      await sql('CREATE TABLE maillogd_schema (version integer PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL)');
      for (const statement of MIGRATIONS[0]!.postgres) await sql(statement);
      await sql('INSERT INTO maillogd_schema VALUES (1, $1, now())', [MIGRATIONS[0]!.name]);
      await sql("INSERT INTO records (time, received, host, app, procid, msgid, mail_id, facility, severity, message, input, peer) VALUES " +
        "('2026-11-22T10:00:01Z', now(), 'h', 'a', '', '', 'Q1', 2, 6, 'm', 'tcp', ''), " +
        "('2026-11-22T10:00:02Z', now(), 'h', 'a', '', 'ID7', '', 2, 6, 'm', 'tcp', ''), " +
        "('2026-11-22T10:00:03Z', now(), 'h', 'a', '', '', '', 2, 6, 'm', 'tcp', '')");
      assert.deepEqual(await store.open(), { from: 1, to: SCHEMA_VERSION });
      const seconds = async (msgid: string) => (await store.query({ msgid, limit: 10, from: 'oldest' })).map((r) => (r.timeUs / 1e6) % 10);
      assert.deepEqual([await seconds('Q1'), await seconds('ID7'), await seconds('')], [[1], [2], [1, 2, 3]]);
      const defs = await sql<{ indexname: string; indexdef: string }>("SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN ('records_0_mail_id', 'records_0_msgid') ORDER BY 1");
      assert.deepEqual(defs.map((d) => /WHERE \(\w+ <> ''::text\)$/.test(d.indexdef)), [true, true], JSON.stringify(defs));
      // The rows it had are the first partition, with every index; new ones go to the next.
      await store.insert(batchOf([row(4, { mailId: 'Q1' })]));
      assert.deepEqual(await sql('SELECT tableoid::regclass::text AS t, count(*)::int AS n FROM records GROUP BY 1 ORDER BY 1'),
        [{ t: 'records_0', n: 3 }, { t: 'records_4', n: 1 }]);
      assert.equal((await store.query({ msgid: 'Q1', limit: 10, from: 'oldest' })).length, 2);
      const indexes = await sql<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE tablename = 'records_0' ORDER BY 1");
      assert.deepEqual(indexes.map((i) => i.indexname),
        ['records_0_app_time', 'records_0_host_time', 'records_0_mail_id', 'records_0_msgid', 'records_0_pkey', 'records_0_time']);
    });

    it('writes into partitions made ahead of the ids, and builds the indexes of each one the ids have passed', async () => {
      await store.close();
      store = make({ partitionIds: 1000 });
      await store.open();
      for (let at = 0; at < 3500; at += 500) await store.insert(batchOf(Array.from({ length: 500 }, (_, i) => row(at + i))));
      await store.buildIndexes();
      const parts = async () => sql<{ t: string; bound: string; indexes: string }>(
        `SELECT c.relname AS t, pg_get_expr(c.relpartbound, c.oid) AS bound,
           (SELECT string_agg(x.relname, ' ' ORDER BY x.relname) FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid WHERE i.indrelid = c.oid) AS indexes
         FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = 'records'::regclass ORDER BY c.oid`);
      const full = (t: string) => ['app_time', 'host_time', 'mail_id', 'msgid', 'pkey', 'time'].map((x) => `${t}_${x}`).join(' ');
      const got = await parts();
      assert.deepEqual(got.map((p) => p.t), ['records_0', 'records_1', 'records_1001', 'records_2001', 'records_3001']);
      assert.equal(got[2]!.bound, "FOR VALUES FROM ('1001') TO ('2001')");
      for (const p of got.slice(0, 4)) assert.equal(p.indexes.replace(/_time_idx\b/, '_time').replace(/_pkey\b/, '_pkey'), full(p.t), p.t);
      // Still taking rows (ids up to 3500 are out): its primary key and time index only.
      for (const p of got.slice(4)) assert.doesNotMatch(p.indexes, /host_time|app_time|mail_id|msgid/, p.t);
      assert.equal(await store.count('records'), 3500);

      // A closed partition whose indexes a crash left unbuilt gets them at the next open.
      await sql('DROP INDEX records_1001_host_time, records_1001_mail_id');
      await store.close();
      store = make({ partitionIds: 1000 });
      await store.open();
      await store.buildIndexes();
      assert.equal((await parts())[2]!.indexes.replace(/_time_idx\b/, '_time'), full('records_1001'));

      // Other writers took ids past what this store made partitions for: it makes them and writes the batch.
      await store.insert(batchOf([row(0)]));
      await sql("SELECT setval('records_id_seq', 9000)");
      await store.insert(batchOf([row(1), row(2)]));
      const late = await sql<{ id: number }>('SELECT id::int FROM records WHERE id > 3500 ORDER BY id');
      assert.equal(late.length, 3);
      assert.equal(late[0]!.id, 3501);
      assert.ok(late[1]!.id > 9000, String(late[1]!.id));
      assert.ok((await parts()).some((p) => p.t === 'records_9001'));
    });

    it('drops the closed partitions that pruning has emptied, and keeps the one taking rows', async () => {
      await store.close();
      store = make({ partitionIds: 1000 });
      await store.open();
      const old = Date.UTC(2020, 0, 1) * 1000;
      for (let at = 0; at < 2500; at += 500) await store.insert(batchOf(Array.from({ length: 500 }, (_, i) => row(at + i, { timeUs: old + at + i }))));
      await store.insert(batchOf([row(9)]));
      while ((await store.prune(old + 1_500, 400)) > 0);
      const names = async () => (await sql<{ t: string }>("SELECT c.relname AS t FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = 'records'::regclass ORDER BY c.oid")).map((r) => r.t);
      assert.deepEqual(await names(), ['records_1001', 'records_2001', 'records_3001']);
      assert.equal(await store.count('records'), 1001);
    });

    it('gives way to an index build and to readers instead of holding the inserts behind them', async () => {
      await store.close();
      store = make({ partitionIds: 1000, buildIndexes: false });
      await store.open();
      const old = Date.UTC(2020, 0, 1) * 1000;
      await store.insert(batchOf(Array.from({ length: 1500 }, (_, i) => row(i, { timeUs: old + i }))));
      const other = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: db });
      await other.connect();
      try {
        // CREATE INDEX holds this lock on the partition it builds.
        await other.query('BEGIN');
        await other.query('LOCK TABLE records_1 IN SHARE MODE');
        let t = performance.now();
        assert.equal(await store.prune(old + 10_000, 100), 0);
        await store.insert(batchOf([row(1)]));
        assert.ok(performance.now() - t < 2000, `${performance.now() - t} ms`);
        await other.query('COMMIT');
        // A reader keeps records_1, once emptied, from being dropped, and the prunes do not wait for it.
        await other.query('BEGIN');
        await other.query('SELECT count(*) FROM records');
        t = performance.now();
        while ((await store.prune(old + 10_000, 400)) > 0);
        assert.equal(await store.count('records'), 1);
        assert.equal(await store.prune(old + 10_000, 400), 0);
        assert.ok(performance.now() - t < 3000, `${performance.now() - t} ms`);
        await other.query('COMMIT');
        assert.equal((await sql("SELECT to_regclass('records_1')::text AS t"))[0]!.t, 'records_1');
        assert.equal(await store.prune(old + 10_000, 400), 0);
        assert.equal((await sql("SELECT to_regclass('records_1')::text AS t"))[0]!.t, null);
      } finally {
        await other.end();
      }
    });

    it('stops a build the server is running when it closes', async function () {
      this.timeout(60_000);
      await store.close();
      store = make({ partitionIds: 400_000 });
      await store.open();
      for (let at = 0; at < 400_000; at += 50_000) await store.insert(batchOf(Array.from({ length: 50_000 }, (_, i) => row(at + i))));
      const builds = async () => (await sql<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'maillogd indexes' AND state = 'active' AND query ~ '^(CREATE INDEX|ANALYZE)'",
        [db]))[0]!.n;
      await waitFor('a build running', async () => (await builds()) === 1, 10_000);
      // The writer's connection is busy too: its COPY waits for a lock another session holds.
      const other = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: db });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query('LOCK TABLE records_400001 IN ACCESS EXCLUSIVE MODE');
        const stuck = assert.rejects(store.insert(batchOf([row(1)])), isTransient(true));
        await waitFor('the insert waiting', async () => (await sql<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'maillogd' AND wait_event_type = 'Lock'", [db]))[0]!.n === 1, 5000);
        const t = performance.now();
        await store.close();
        const closing = performance.now() - t;
        await waitFor('no build running', async () => (await builds()) === 0, 5000);
        const ms = performance.now() - t;
        assert.ok(closing < 1500, `close took ${closing} ms`);
        assert.ok(ms < 300, `the build went on for ${ms} ms after close`);
        await stuck;
      } finally {
        await other.end();
      }
      const indexes = await sql("SELECT indexname FROM pg_indexes WHERE tablename = 'records_1' AND indexname LIKE '%host_time'");
      assert.deepEqual(indexes, []);
    });

    it('leaves an older database as it is when told not to migrate, and still answers queries', async () => {
      await sql('CREATE TABLE maillogd_schema (version integer PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL)');
      for (const m of MIGRATIONS.slice(0, 2)) {
        for (const statement of m.postgres) await sql(statement);
        await sql('INSERT INTO maillogd_schema VALUES ($1, $2, now())', [m.version, m.name]);
      }
      await sql("INSERT INTO records (time, received, host, app, procid, msgid, mail_id, facility, severity, message, input, peer) VALUES " +
        "('2026-11-22T10:00:01Z', now(), 'h', 'a', '', '', 'Q1', 2, 6, 'm', 'tcp', '')");
      await store.close();
      store = make({ migrate: false, buildIndexes: false });
      assert.deepEqual(await store.open(), { from: 2, to: 2 });
      assert.equal((await store.query({ msgid: 'Q1', limit: 10, from: 'oldest' })).length, 1);
      assert.equal(await store.schemaVersion(), 2);
    });

    it('runs calls made together one after another', async () => {
      await store.open();
      const [, n, , m] = await Promise.all([
        store.insert(batchOf([row(1), row(2)])), store.count('records'), store.insert(batchOf([row(3)])), store.count('records'),
      ]);
      assert.deepEqual([n, m], [2, 3]);
    });

    it('says where it is without the password, PG* variables filling what is missing', () => {
      const s = new PostgresStore({ connection: { host: 'db.example.org', port: 5433, user: 'u', password: 'secret', database: 'logs' }, connectTimeoutMs: 1000 });
      assert.equal(s.where, 'db.example.org:5433/logs');
      const saved = { ...process.env };
      try {
        Object.assign(process.env, { PGHOST: 'pg.example.org', PGPORT: '6543', PGDATABASE: 'maillog', PGPASSWORD: 'secret' });
        assert.equal(new PostgresStore({ connection: {}, connectTimeoutMs: 1000 }).where, 'pg.example.org:6543/maillog');
      } finally {
        for (const k of ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGPASSWORD']) {
          if (saved[k] === undefined) delete process.env[k];
          else process.env[k] = saved[k];
        }
      }
    });
  });
});
