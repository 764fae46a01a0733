// What building the indexes of one closed partition of `records` costs the PostgreSQL backend that
// builds them (src/db/pg-partitions.ts), for several settings of maintenance_work_mem: the memory
// a CREATE INDEX sorts in. The store fills two partitions of --part rows (rows like db.bench.ts's,
// on a server this script starts: test/support/postgres.ts, locale C, fsync off); then, on the
// first, each setting in turn, alternated --runs times, builds the four indexes as the builder does
// (no parallel workers) and ANALYZEs, in a transaction that is rolled back. Prints, per setting,
// the median backend CPU µs per row of the whole build and of each statement, from /proc.
// Run: node --import tsx bench/pg-build.bench.ts [--part N] [--runs R] [--mem 64MB,16MB,4MB,1MB]

import pg from 'pg';
import { PARTITION_INDEXES } from '../src/db/schema.js';
import { PostgresStore } from '../src/db/postgres.js';
import { emptyBatch } from '../src/db/rows.js';
import { startPostgres } from '../test/support/postgres.js';
import { row } from './db-rows.js';
import { cpuOf } from './proc-cpu.js';
import { option } from './options.js';

const PART = Number(option('--part', '500000'));
const RUNS = Number(option('--runs', '3'));
const MEMS = option('--mem', '64MB,16MB,4MB,1MB').split(',');
const BATCH = 50_000;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const STEPS = [...PARTITION_INDEXES.map(([suffix]) => suffix), 'analyze'];

const server = await startPostgres();
try {
  await server.createDatabase('build');
  const connection = { host: server.host, port: server.port, user: 'postgres', database: 'build' };
  const store = new PostgresStore({ connection, connectTimeoutMs: 5000, partitionIds: PART, buildIndexes: false });
  await store.open();
  for (let at = 0; at < 2 * PART; at += BATCH) {
    const b = emptyBatch();
    for (let i = at; i < Math.min(2 * PART, at + BATCH); i++) b.records.push(row(i, 2 * PART));
    await store.insert(b);
  }
  await store.close();

  const c = new pg.Client(connection);
  await c.connect();
  try {
    const pid = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    // The first partition the store made after records_0, full.
    const part = (await c.query<{ name: string }>(
      "SELECT c.relname AS name FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = 'records'::regclass " +
      "AND c.relname <> 'records_0' ORDER BY pg_relation_size(c.oid) DESC, c.relname LIMIT 1")).rows[0]!.name;
    const rows = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${part}`)).rows[0]!.n);
    const got = new Map<string, number[][]>(MEMS.map((m) => [m, []]));
    for (let r = 0; r < RUNS; r++) {
      for (const mem of MEMS) {
        await c.query('BEGIN');
        await c.query('SET LOCAL max_parallel_maintenance_workers = 0');
        await c.query(`SET LOCAL maintenance_work_mem = '${mem}'`);
        const us: number[] = [];
        for (const [suffix, def] of PARTITION_INDEXES) {
          const c0 = cpuOf(pid);
          await c.query(`CREATE INDEX bench_${suffix} ON ${part} ${def}`);
          us.push((cpuOf(pid) - c0) * 1e6 / rows);
        }
        const c0 = cpuOf(pid);
        await c.query(`ANALYZE ${part}`);
        us.push((cpuOf(pid) - c0) * 1e6 / rows);
        await c.query('ROLLBACK');
        got.get(mem)!.push(us);
      }
    }
    console.log(`${part}: ${rows} rows; backend CPU µs per row, median of ${RUNS}, settings alternated`);
    for (const [mem, runs] of got) {
      const totals = runs.map((us) => us.reduce((a, b) => a + b, 0));
      const steps = STEPS.map((s, i) => `${s} ${median(runs.map((us) => us[i]!)).toFixed(2)}`).join(', ');
      console.log(`maintenance_work_mem ${mem}: ${median(totals).toFixed(2)} (${totals.map((t) => t.toFixed(2)).join(', ')}); ${steps}`);
    }
  } finally {
    await c.end();
  }
} finally {
  await server.destroy();
}
