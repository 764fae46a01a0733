// What the indexes of the `records` table cost PostgreSQL, measured through the postgres store (binary
// COPY, one transaction per batch) on a server this script starts (test/support/postgres.ts: locale
// C, fsync and full_page_writes off). Rows like db.bench.ts's (200
// hosts, 8 apps, a Postfix-like queue id per 5 rows, ~200 byte messages, spread over 30 days),
// --batch rows per transaction, each case into a new database. The store's index builder is off, and
// the four indexes it would build on closed partitions are made on `records` itself, so that every
// partition keeps every index up, as the one table did before partitioning (pg-partitions.bench.ts
// compares the two):
//   kept up:     every index maintained row by row.
//   built after: the same rows into `records` with no index but its primary key; then one read of
//                the table (the first reader sets the new rows' hint bits), then each index made by
//                CREATE INDEX, one backend (no parallel workers), 256 MiB maintenance_work_mem.
// Each batch is built before its insert is timed. For each case: rows/s of the inserts, the CPU µs
// per row of the backend that did the work (from /proc: the store's connection, or the one that
// read and built) and of this process during the inserts. The CPU of the server's other processes
// (WAL writer, checkpointer) is not counted. /proc counts in 10 ms ticks.
// Median of --runs runs. Run: node --import tsx bench/pg-indexes.bench.ts [--rows N] [--batch N] [--runs R]

import pg from 'pg';
import { PostgresStore } from '../src/db/postgres.js';
import { emptyBatch, type RowBatch } from '../src/db/rows.js';
import { startPostgres } from '../test/support/postgres.js';
import { PARTITION_INDEXES } from '../src/db/schema.js';
import { row } from './db-rows.js';
import { cpuOf } from './proc-cpu.js';
import { numberOption } from './options.js';

const ROWS = numberOption('--rows', '1000000');
const BATCH = numberOption('--batch', '50000');
const RUNS = numberOption('--runs', '3');

interface Insert { rowsPerSec: number; backendUs: number; clientUs: number }

/** Every row through the store, each batch built, then its insert timed and awaited. */
async function insert(store: PostgresStore, backend: number): Promise<Insert> {
  const b0 = cpuOf(backend);
  let ns = 0n;
  let clientUs = 0;
  for (let at = 0; at < ROWS; at += BATCH) {
    const batch: RowBatch = emptyBatch();
    for (let i = at; i < Math.min(ROWS, at + BATCH); i++) batch.records.push(row(i, ROWS));
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await store.insert(batch);
    ns += process.hrtime.bigint() - t0;
    const c = process.cpuUsage(c0);
    clientUs += c.user + c.system;
  }
  return { rowsPerSec: ROWS / (Number(ns) / 1e9), backendUs: (cpuOf(backend) - b0) * 1e6 / ROWS, clientUs: clientUs / ROWS };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const fmt = (xs: number[], digits: number) => `${median(xs).toFixed(digits)} (${xs.map((x) => x.toFixed(digits)).join(', ')})`;

const server = await startPostgres();
try {
  let n = 0;
  const kept: Insert[] = [];
  const bare: Insert[] = [];
  const built = new Map<string, number[]>();
  const firstRead: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    for (const keep of [true, false]) {
      const database = `idx${n++}`;
      await server.createDatabase(database);
      const connection = { host: server.host, port: server.port, user: 'postgres', database };
      const store = new PostgresStore({ connection, connectTimeoutMs: 5000, buildIndexes: false });
      const admin = new pg.Client(connection);
      try {
        await store.open();
        await admin.connect();
        for (const [suffix, def] of PARTITION_INDEXES) await admin.query(`CREATE INDEX records_${suffix} ON records ${def}`);
        const indexes = (await admin.query<{ name: string; def: string }>(
          "SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename = 'records' AND indexname <> 'records_pkey' ORDER BY indexname")).rows;
        if (!keep) for (const i of indexes) await admin.query(`DROP INDEX ${i.name}`);
        const others = (await admin.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
          [database])).rows;
        if (others.length !== 1) throw new Error(`expected the store's one backend, found ${others.length}`);
        (keep ? kept : bare).push(await insert(store, others[0]!.pid));
        if (!keep) {
          await admin.query('SET max_parallel_maintenance_workers = 0');
          await admin.query("SET maintenance_work_mem = '256MB'");
          const me = (await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
          const r0 = cpuOf(me);
          await admin.query('SELECT count(*) FROM records');
          firstRead.push((cpuOf(me) - r0) * 1e6 / ROWS);
          for (const i of indexes) {
            const c0 = cpuOf(me);
            // pg_indexes writes an index of a partitioned table as ON ONLY, which builds none of the partitions'.
            await admin.query(i.def.replace(' ON ONLY ', ' ON '));
            const us = (cpuOf(me) - c0) * 1e6 / ROWS;
            const xs = built.get(i.name);
            if (xs) xs.push(us); else built.set(i.name, [us]);
          }
        }
      } finally {
        await admin.end().catch(() => undefined);
        await store.close();
        await server.dropDatabase(database);
      }
    }
  }
  console.log(`${ROWS} rows, ${BATCH} per transaction, median of ${RUNS} (runs in brackets)`);
  for (const [label, xs] of [['every index kept up', kept], ['primary key only', bare]] as const) {
    console.log(`${label}: ${fmt(xs.map((x) => x.rowsPerSec), 0)} rows/s; backend ${fmt(xs.map((x) => x.backendUs), 2)} µs/row; ` +
      `this process ${fmt(xs.map((x) => x.clientUs), 2)} µs/row`);
  }
  let sum = median(firstRead);
  console.log(`built after, first read of the table: backend ${fmt(firstRead, 2)} µs/row`);
  for (const [name, xs] of built) {
    sum += median(xs);
    console.log(`built after, ${name}: backend ${fmt(xs, 2)} µs/row`);
  }
  console.log(`built after, the read and every index: backend ${sum.toFixed(2)} µs/row (sum of the medians)`);
} finally {
  await server.destroy();
}
