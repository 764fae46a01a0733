// Database outputs: rows/s into SQLite (through SqliteStore, the whole schema and its indexes) and
// into PostgreSQL (PostgresStore, COPY, on a server this script starts), then query latency on a
// table of --rows rows (default 10,000,000) for each shape maillogctl asks. Prints medians.
// Run: node --import tsx bench/db.bench.ts [--db sqlite|postgres|both] [--rows N] [--insert N] [--runs R]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PostgresStore } from '../src/db/postgres.js';
import type { RecordQuery } from '../src/db/query.js';
import { emptyBatch, type RecordRow, type RowBatch } from '../src/db/rows.js';
import { SqliteStore } from '../src/db/sqlite.js';
import type { Store } from '../src/db/store.js';
import { startPostgres } from '../test/support/postgres.js';

function option(name: string, def: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1]! : def;
}
const WHICH = option('--db', 'both');
const ROWS = Number(option('--rows', '10000000'));
const INSERT = Number(option('--insert', '500000'));
const RUNS = Number(option('--runs', '3'));

const T0 = Date.UTC(2026, 10, 1) * 1000;
const HOSTS = 200;
const APPS = ['postfix/smtpd', 'postfix/smtp', 'postfix/qmgr', 'postfix/cleanup', 'dovecot', 'ecelerity', 'emg', 'axigen'];

/** Row i: ~200 B of message, a Postfix-like queue id (one id per 5 rows), spread over 30 days. */
function row(i: number, total: number): RecordRow {
  const id = ((Math.floor(i / 5) * 2654435761) >>> 0).toString(16).toUpperCase().padStart(8, '0') + 'A1';
  return {
    timeUs: T0 + Math.floor(i * (30 * 86_400_000_000 / total)),
    receivedUs: T0 + Math.floor(i * (30 * 86_400_000_000 / total)) + 1500,
    host: `mx${i % HOSTS}.example.org`,
    app: APPS[i % APPS.length]!,
    procid: String(1000 + (i % 30000)),
    msgid: '',
    mailId: id,
    facility: 2,
    severity: i % 97 === 0 ? 3 : 6,
    levelScheme: null,
    levelValue: null,
    message: `${id}: to=<user${i % 100000}@example.net>, relay=mx.example.net[192.0.2.${i % 250}]:25, delay=0.${i % 10}, status=sent (250 2.0.0 Ok queued as ${id})`,
    dialect: null,
    disposition: null,
    fields: null,
    input: 'tcp',
    peer: '127.0.0.1',
  };
}

function batches(from: number, n: number, size: number, total: number): RowBatch[] {
  const out: RowBatch[] = [];
  for (let at = from; at < from + n; at += size) {
    const b = emptyBatch();
    for (let i = at; i < Math.min(at + size, from + n); i++) b.records.push(row(i, total));
    out.push(b);
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function insertRate(make: () => Promise<Store>, batchSize: number): Promise<number> {
  const rates: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const store = await make();
    const bs = batches(0, INSERT, batchSize, INSERT);
    const t = performance.now();
    for (const b of bs) await store.insert(b);
    rates.push(INSERT / ((performance.now() - t) / 1000));
    await store.close();
  }
  return median(rates);
}

async function fill(store: Store, total: number, batchSize: number): Promise<number> {
  const t = performance.now();
  for (let at = 0; at < total; at += batchSize) {
    for (const b of batches(at, Math.min(batchSize, total - at), batchSize, total)) await store.insert(b);
    if (at % 1_000_000 === 0 && at > 0) process.stderr.write(`  ${at} rows…\n`);
  }
  return total / ((performance.now() - t) / 1000);
}

function queries(total: number): [string, RecordQuery][] {
  const mid = row(Math.floor(total / 2), total);
  const hour = 3_600_000_000;
  return [
    ['trace one mail id', { msgid: mid.mailId, limit: 1_000_000, from: 'oldest' }],
    ['last 100 of one host', { host: 'mx17.example.org', limit: 100, from: 'newest' }],
    ['one app, one hour', { app: 'dovecot', sinceUs: mid.timeUs, untilUs: mid.timeUs + hour, limit: 100_000, from: 'oldest' }],
    ['time range, 10 minutes', { sinceUs: mid.timeUs, untilUs: mid.timeUs + hour / 6, limit: 100_000, from: 'oldest' }],
    ['errors in one hour', { maxSeverity: 3, sinceUs: mid.timeUs, untilUs: mid.timeUs + hour, limit: 100_000, from: 'oldest' }],
    ['grep in one hour', { grep: 'user4242@', sinceUs: mid.timeUs, untilUs: mid.timeUs + hour, limit: 100_000, from: 'oldest' }],
    ['last 100 overall', { limit: 100, from: 'newest' }],
  ];
}

async function queryLatency(store: Store, total: number): Promise<void> {
  for (const [name, q] of queries(total)) {
    const times: number[] = [];
    let n = 0;
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      n = (await store.query(q)).length;
      times.push(performance.now() - t);
    }
    const plan = (await store.explain(q)).split('\n').map((l) => l.trim()).filter((l) => /INDEX|Index|PRIMARY|Scan|SCAN/.test(l)).slice(0, 2).join(' | ');
    console.log(`  ${name.padEnd(24)} ${median(times).toFixed(2).padStart(8)} ms  ${String(n).padStart(6)} rows  ${plan}`);
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maillogd-dbbench-'));
console.log(`machine: ${os.cpus().length} cpus, node ${process.version}; insert runs: ${RUNS} × ${INSERT} rows; query table: ${ROWS} rows`);
try {
  if (WHICH === 'sqlite' || WHICH === 'both') {
    let n = 0;
    const make = async () => {
      const s = new SqliteStore({ path: path.join(dir, `ins${n++}.db`), busyTimeoutMs: 1000, synchronous: 'normal' });
      await s.open();
      return s;
    };
    for (const size of [2000, 10000]) {
      console.log(`sqlite insert, ${size} rows per transaction: ${Math.round(await insertRate(make, size))} rows/s (median of ${RUNS})`);
    }
    const big = new SqliteStore({ path: path.join(dir, 'big.db'), busyTimeoutMs: 1000, synchronous: 'normal' });
    await big.open();
    console.log(`sqlite: filling ${ROWS} rows: ${Math.round(await fill(big, ROWS, 10000))} rows/s`);
    console.log('sqlite query latency (median of 5):');
    await queryLatency(big, ROWS);
    await big.close();
    for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f), { force: true });
  }
  if (WHICH === 'postgres' || WHICH === 'both') {
    const pg = await startPostgres();
    try {
      let n = 0;
      const make = async () => {
        const name = `bench${n++}`;
        await pg.createDatabase(name);
        const s = new PostgresStore({ connection: { host: pg.host, port: pg.port, user: 'postgres', database: name }, connectTimeoutMs: 5000 });
        await s.open();
        return s;
      };
      for (const size of [2000, 10000, 50000]) {
        console.log(`postgres insert (COPY), ${size} rows per transaction: ${Math.round(await insertRate(make, size))} rows/s (median of ${RUNS})`);
      }
      const big = await make();
      console.log(`postgres: filling ${ROWS} rows: ${Math.round(await fill(big, ROWS, 50000))} rows/s`);
      await big.close();
      const again = new PostgresStore({ connection: { host: pg.host, port: pg.port, user: 'postgres', database: `bench${n - 1}` }, connectTimeoutMs: 5000 });
      await again.open();
      await (again as unknown as { analyze?: () => Promise<void> }).analyze?.();
      console.log('postgres query latency (median of 5):');
      await queryLatency(again, ROWS);
      await again.close();
    } finally {
      await pg.stop();
    }
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
