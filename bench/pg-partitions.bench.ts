// What partitioning `records` (src/db/pg-partitions.ts) buys: the postgres store (binary COPY, one
// transaction per batch) writes the same rows, in the same run, with
//   kept up:       every index of `records` on the partitioned table itself, so every partition keeps
//                  all of them up row by row, as the one table did before partitioning;
//   partitioned:   the store as it is: the newest partition keeps its primary key and time index up,
//                  and the store's second connection builds the other four once the ids pass it;
//   nothing built: the same, without the second connection: what the writer alone takes.
// As in the daemon, where records arrive and are turned into rows while the output waits on the
// server, the next batch is made while the current one is written. Rows like db.bench.ts's, each
// case into a new database on a server this script starts (test/support/postgres.ts: locale C,
// fsync and full_page_writes off).
// For each case: rows/s from the first insert to the last; rows/s until every closed partition's
// indexes are built; CPU µs per row of the writing backend, of the building backend and of this
// process (which also makes the rows), from /proc in 10 ms ticks. The server's WAL writer and
// checkpointer are not counted. Median of --runs runs, the cases alternated. Run:
//   node --import tsx bench/pg-partitions.bench.ts [--rows N] [--batch N] [--part N] [--runs R]

import pg from 'pg';
import { PostgresStore } from '../src/db/postgres.js';
import { emptyBatch, type RowBatch } from '../src/db/rows.js';
import { startPostgres, type PgServer } from '../test/support/postgres.js';
import { PARTITION_INDEXES } from '../src/db/schema.js';
import { row } from './db-rows.js';
import { cpuOf } from './proc-cpu.js';
import { numberOption } from './options.js';

const ROWS = numberOption('--rows', '2000000');
const BATCH = numberOption('--batch', '50000');
const PART = numberOption('--part', '500000');
const RUNS = numberOption('--runs', '3');

type Case = 'kept up' | 'partitioned' | 'nothing built';
const CASES: readonly Case[] = ['kept up', 'partitioned', 'nothing built'];

interface Result { inserted: number; built: number; writerUs: number; builderUs: number; clientUs: number }

/** The backend of the connection named `app` in `database`, once it is there. */
async function backend(admin: pg.Client, database: string, app: string): Promise<number> {
  for (let tries = 0; tries < 500; tries++) {
    const r = await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 AND backend_type = 'client backend'", [database, app]);
    if (r.rows.length === 1) return r.rows[0]!.pid;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no one connection named ${app}`);
}

const make = (at: number): RowBatch => {
  const batch = emptyBatch();
  for (let i = at; i < Math.min(ROWS, at + BATCH); i++) batch.records.push(row(i, ROWS));
  return batch;
};

async function run(server: PgServer, which: Case, database: string): Promise<Result> {
  await server.createDatabase(database);
  const connection = { host: server.host, port: server.port, user: 'postgres', database };
  const store = new PostgresStore({ connection, connectTimeoutMs: 5000, partitionIds: PART, buildIndexes: which === 'partitioned' });
  const admin = new pg.Client(connection);
  try {
    await store.open();
    await admin.connect();
    if (which === 'kept up') for (const [suffix, def] of PARTITION_INDEXES) await admin.query(`CREATE INDEX records_${suffix} ON records ${def}`);
    const writer = await backend(admin, database, 'maillogd');
    const builder = which === 'partitioned' ? await backend(admin, database, 'maillogd indexes') : 0;
    const w0 = cpuOf(writer);
    const b0 = builder ? cpuOf(builder) : 0;
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    let next = make(0);
    for (let at = 0; at < ROWS; at += BATCH) {
      const written = store.insert(next);
      if (at + BATCH < ROWS) next = make(at + BATCH);
      await written;
    }
    const t1 = process.hrtime.bigint();
    const c = process.cpuUsage(c0);
    await store.buildIndexes();
    const t2 = process.hrtime.bigint();
    if (which === 'partitioned') {
      const unbuilt = await admin.query(
        "SELECT c.relname FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = 'records'::regclass " +
        "AND c.relname <> 'records_0' AND NOT EXISTS (SELECT 1 FROM pg_class x WHERE x.relname = c.relname || '_host_time') AND c.relname <> $1",
        [`records_${ROWS + 1}`]);
      if (unbuilt.rows.length) throw new Error(`partitions left unbuilt: ${JSON.stringify(unbuilt.rows)}`);
    }
    return {
      inserted: ROWS / (Number(t1 - t0) / 1e9),
      built: ROWS / (Number(t2 - t0) / 1e9),
      writerUs: (cpuOf(writer) - w0) * 1e6 / ROWS,
      builderUs: builder ? (cpuOf(builder) - b0) * 1e6 / ROWS : 0,
      clientUs: (c.user + c.system) / ROWS,
    };
  } finally {
    await admin.end().catch(() => undefined);
    await store.close();
    await server.dropDatabase(database);
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const fmt = (xs: number[], digits: number) => `${median(xs).toFixed(digits)} (${xs.map((x) => x.toFixed(digits)).join(', ')})`;

if (ROWS % PART !== 0) throw new Error('--rows must be a multiple of --part, so that every partition ends full');
const server = await startPostgres();
try {
  const results = new Map<Case, Result[]>(CASES.map((c) => [c, []]));
  let n = 0;
  for (let r = 0; r < RUNS; r++) for (const which of CASES) results.get(which)!.push(await run(server, which, `part${n++}`));
  console.log(`${ROWS} rows, ${BATCH} per transaction, ${PART} ids a partition, median of ${RUNS} (runs in brackets)`);
  for (const [which, xs] of results) {
    console.log(`${which}: inserts ${fmt(xs.map((x) => x.inserted), 0)} rows/s; until built ${fmt(xs.map((x) => x.built), 0)} rows/s; ` +
      `writer ${fmt(xs.map((x) => x.writerUs), 2)} µs/row; builder ${fmt(xs.map((x) => x.builderUs), 2)} µs/row; ` +
      `this process ${fmt(xs.map((x) => x.clientUs), 2)} µs/row`);
  }
} finally {
  await server.destroy();
}
