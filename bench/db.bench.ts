// Database outputs: rows/s into SQLite and into PostgreSQL (on a server this script starts), two
// ways each, then query latency on a table of --rows rows for each shape maillogctl asks.
//   store:  Store.insert() on rows built before the clock starts, as many batches in flight as
//           the store has lanes (the output keeps as many; PostgreSQL 1, SQLite 2 per writer):
//           the database and its driver alone (SQLite: the thread hand-off included).
//   output: parsed records (parsed before the clock starts) written to the output as the daemon
//           does, 512 at a time, fed only while fewer than 4 × batch_max_rows rows wait (below
//           memory_max_rows, so nothing goes to the spool): record → row conversion, batching and
//           the store, until flush() returns.
// Prints the median of --runs runs for each case, with the other CPU work seen on the machine.
// Run: node --import tsx bench/db.bench.ts [--db sqlite|postgres|both] [--rows N] [--insert N] [--runs R]
//      [--only store|output|query] [--writers N (SQLite files written side by side)] [--page-size BYTES]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Output } from '../src/component.js';
import { PostgresStore } from '../src/db/postgres.js';
import type { RecordQuery } from '../src/db/query.js';
import { emptyBatch, type RowBatch } from '../src/db/rows.js';
import { SqliteStore } from '../src/db/sqlite.js';
import type { Store } from '../src/db/store.js';
import { outputEnv, validConfig, type OutputEnv } from '../src/outputs/output.testkit.js';
import { createPostgresOutput, postgresOutputSpec } from '../src/outputs/postgres/index.js';
import { DbOutput } from '../src/outputs/db/index.js';
import { createSqliteOutput, sqliteOutputSpec } from '../src/outputs/sqlite/index.js';
import { LogRecord } from '../src/record.js';
import { parseRecord } from '../src/syslog/parse.js';
import { startPostgres } from '../test/support/postgres.js';
import { APPS, HOSTS, messageOf, queueId, row } from './db-rows.js';
import { option } from './options.js';

const WHICH = option('--db', 'both');
const ROWS = Number(option('--rows', '10000000'));
const INSERT = Number(option('--insert', '300000'));
const RUNS = Number(option('--runs', '3'));
const ONLY = option('--only', '');
const WRITERS = Number(option('--writers', '1'));
/** The page size of the SQLite files the insert cases make (the store's own when absent). */
const PAGE_SIZE = option('--page-size', '') === '' ? undefined : Number(option('--page-size', ''));
/** No case may run longer than this. */
const CASE_MAX_MS = 15 * 60_000;

/** The same rows as RFC 3164 lines, parsed as a TCP input would hand them over. */
function records(n: number): LogRecord[] {
  const out: LogRecord[] = [];
  const start = Date.UTC(2026, 10, 22, 10, 0, 0);
  for (let i = 0; i < n; i++) {
    const t = new Date(start + Math.floor(i / 50) * 1000);
    const stamp = `Nov ${String(t.getUTCDate()).padStart(2, ' ')} ${t.toISOString().slice(11, 19)}`;
    const pri = i % 97 === 0 ? 19 : 22;
    const line = `<${pri}>${stamp} mx${i % HOSTS}.example.org ${APPS[i % APPS.length]}[${1000 + (i % 30000)}]: ${messageOf(i, queueId(i))}`;
    const rec = new LogRecord(Buffer.from(line), start + i, 'tcp', '127.0.0.1');
    parseRecord(rec, 'fallback');
    out.push(rec);
  }
  return out;
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

/** CPU seconds the whole machine spent (all cores), from /proc/stat. */
function machineCpu(): number {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!) / 100;
}

interface Rate {
  rowsPerSec: number;
  /** Longest the event loop waited, ms (output cases). */
  loopMaxMs?: number;
  /** The largest the SQLite store's WAL file was, sampled every 50 ms, MB (SQLite store cases). */
  walMaxMb?: number;
  /** CPU s of this process per 1,000 rows (both threads). */
  cpuMsPerKRow: number;
  /** Other CPU work on the machine during the run, in cores (0..ncpu): what else was running. */
  busyCores: number;
}

async function measure(rows: number, fn: () => Promise<void>): Promise<Rate> {
  const c0 = process.cpuUsage();
  const m0 = machineCpu();
  const t = performance.now();
  await fn();
  const s = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(c0);
  const own = (cpu.user + cpu.system) / 1e6;
  return { rowsPerSec: rows / s, cpuMsPerKRow: own * 1e6 / rows, busyCores: (machineCpu() - m0) / s };
}

function report(label: string, rates: Rate[]): void {
  const r = median(rates.map((x) => x.rowsPerSec));
  const cpu = median(rates.map((x) => x.cpuMsPerKRow));
  const all = rates.map((x) => Math.round(x.rowsPerSec)).join(', ');
  const busy = rates.map((x) => x.busyCores.toFixed(2)).join(', ');
  const loop = rates[0]?.loopMaxMs !== undefined ? `; event loop held at most ${rates.map((x) => x.loopMaxMs!.toFixed(0)).join(', ')} ms` : '';
  const wal = rates[0]?.walMaxMb !== undefined ? `; the WAL file grew to ${rates.map((x) => x.walMaxMb!.toFixed(1)).join(', ')} MB at most` : '';
  console.log(`${label}: ${Math.round(r)} rows/s (median of ${rates.length}: ${all}); ` +
    `${cpu.toFixed(1)} ms CPU of this process per 1,000 rows; whole machine busy ${busy} cores${loop}${wal}`);
}

async function storeRate(make: () => Promise<Store>, batchSize: number): Promise<Rate[]> {
  const rates: Rate[] = [];
  for (let r = 0; r < RUNS; r++) {
    const store = await make();
    const bs = batches(0, INSERT, batchSize, INSERT);
    let walMaxMb = 0;
    const wal = store.kind === 'sqlite' ? setInterval(() => {
      try {
        walMaxMb = Math.max(walMaxMb, fs.statSync(`${store.where}-wal`).size / 1e6);
      } catch { /* not there yet */ }
    }, 50) : null;
    const rate = await measure(INSERT, async () => {
      await inLanes(store, bs.length, (i) => store.insert(bs[i]!));
      // Answered once the store has done what the last batch set off (SQLite: a partition's build).
      await store.schemaVersion();
    });
    if (wal) clearInterval(wal);
    rates.push(wal ? { ...rate, walMaxMb } : rate);
    await store.close();
  }
  return rates;
}

/** Feeds `recs` to the output 512 at a time, never more than `window` rows ahead of what is written. */
async function outputRate(make: (env: OutputEnv) => Output, recs: LogRecord[], window: number): Promise<Rate[]> {
  const rates: Rate[] = [];
  for (let r = 0; r < RUNS; r++) {
    const env = outputEnv('bench', 'dbbench');
    try {
      const out = make(env);
      await out.open();
      const written = env.counters.get('output.bench', 'written');
      const deadline = Date.now() + CASE_MAX_MS;
      const loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      const rate = await measure(recs.length, async () => {
        for (let fed = 0; fed < recs.length;) {
          if (Date.now() > deadline) throw new Error('the output did not keep up within the time limit');
          if (fed - written.value < window) {
            out.write(recs.slice(fed, fed + 512));
            fed += 512;
            await new Promise<void>((resolve) => setImmediate(resolve));
          } else {
            await new Promise<void>((resolve) => setTimeout(resolve, 1));
          }
        }
        await out.flush();
      });
      loop.disable();
      rates.push({ ...rate, loopMaxMs: loop.max / 1e6 });
      await out.close();
      const spooled = env.counters.get('output.bench', 'spooled').value;
      if (written.value !== recs.length || spooled !== 0) throw new Error(`written ${written.value} of ${recs.length}, spooled ${spooled}`);
    } finally {
      fs.rmSync(env.base, { recursive: true, force: true });
    }
  }
  return rates;
}

/** Runs `step(0)` .. `step(n - 1)` in order, as many at once as the store has lanes (as the output does). */
async function inLanes(store: Store, n: number, step: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < n) await step(next++);
  };
  await Promise.all(Array.from({ length: store.lanes }, lane));
}

/** Fills the store with `total` rows, as many batches in flight as it has lanes. */
async function fill(store: Store, total: number, batchSize: number): Promise<number> {
  const t = performance.now();
  await inLanes(store, Math.ceil(total / batchSize), async (i) => {
    const from = i * batchSize;
    for (const b of batches(from, Math.min(batchSize, total - from), batchSize, total)) await store.insert(b);
    if (from % 1_000_000 === 0 && from > 0) process.stderr.write(`  ${from} rows…\n`);
  });
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

const runs = (what: string) => ONLY === '' || ONLY === what;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maillogd-dbbench-'));
console.log(`machine: ${os.cpus().length} cpus, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ` +
  `insert runs: ${RUNS} × ${INSERT} rows; query table: ${ROWS} rows`);
const recs = runs('output') ? records(INSERT) : [];
try {
  if (WHICH === 'sqlite' || WHICH === 'both') {
    let n = 0;
    const make = async () => {
      const s = new SqliteStore({ path: path.join(dir, `ins${n++}.db`), busyTimeoutMs: 1000, synchronous: 'normal', writers: WRITERS, pageSize: PAGE_SIZE });
      await s.open();
      return s;
    };
    const writers = WRITERS > 1 ? `, ${WRITERS} writers` : '';
    if (runs('store')) {
      for (const size of [2000, 10000]) report(`sqlite${writers}${PAGE_SIZE ? `, ${PAGE_SIZE} B pages` : ''}, store, ${size} rows per transaction`, await storeRate(make, size));
    }
    if (runs('output')) {
      for (const size of [2000, 10000]) {
        const config = validConfig(sqliteOutputSpec, { batch_max_rows: size, memory_max_rows: 5 * size, writers: WRITERS }, 'output.bench');
        // The daemon's output; with --page-size, the same output on a store making files of that page size.
        const make = (env: OutputEnv) => PAGE_SIZE === undefined ? createSqliteOutput(config, env.ctx) : new DbOutput(config, env.ctx, {
          mustOpenAtStart: true,
          makeStore: () => new SqliteStore({
            path: path.resolve(env.ctx.stateDir, config.path), busyTimeoutMs: config.busy_timeout_ms, synchronous: config.synchronous,
            writers: config.writers, pageSize: PAGE_SIZE,
          }),
        });
        report(`sqlite${writers}${PAGE_SIZE ? `, ${PAGE_SIZE} B pages` : ''}, output, batch_max_rows ${size}`, await outputRate(make, recs, 4 * size));
      }
    }
    if (runs('query') && ROWS > 0) {
      const big = new SqliteStore({ path: path.join(dir, 'big.db'), busyTimeoutMs: 1000, synchronous: 'normal', writers: WRITERS });
      await big.open();
      console.log(`sqlite${writers}: filling ${ROWS} rows: ${Math.round(await fill(big, ROWS, 10000))} rows/s`);
      await big.close();
      // Read as maillogctl reads: a read-only store on the file.
      const reader = new SqliteStore({ path: path.join(dir, 'big.db'), busyTimeoutMs: 1000, synchronous: 'normal', readonly: true });
      await reader.open();
      // With --rows a multiple of 500,000, the partition still taking rows is full: the worst case,
      // since a lookup by id or host reads that partition whole.
      console.log('sqlite query latency (median of 5):');
      await queryLatency(reader, ROWS);
      // One more row in each file closes it, and the store builds its indexes before it answers
      // the next call (inserts in flight together go to different files).
      const writer = new SqliteStore({ path: path.join(dir, 'big.db'), busyTimeoutMs: 1000, synchronous: 'normal', writers: WRITERS });
      await writer.open();
      await Promise.all(batches(ROWS, WRITERS, 1, ROWS).map((b) => writer.insert(b)));
      await writer.close();
      console.log('sqlite query latency, the newest partition holding one row (median of 5):');
      await queryLatency(reader, ROWS);
      await reader.close();
    }
    for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f), { force: true });
  }
  if (WHICH === 'postgres' || WHICH === 'both') {
    const pg = await startPostgres();
    try {
      let n = 0;
      const database = async () => {
        const name = `bench${n++}`;
        await pg.createDatabase(name);
        return name;
      };
      const make = async () => {
        const s = new PostgresStore({ connection: { host: pg.host, port: pg.port, user: 'postgres', database: await database() }, connectTimeoutMs: 5000 });
        await s.open();
        return s;
      };
      if (runs('store')) {
        for (const size of [2000, 10000, 50000]) report(`postgres (COPY), store, ${size} rows per transaction`, await storeRate(make, size));
      }
      if (runs('output')) {
        for (const size of [10000, 50000]) {
          const names: string[] = [];
          for (let r = 0; r < RUNS; r++) names.push(await database());
          report(`postgres (COPY), output, batch_max_rows ${size}`, await outputRate((env) => createPostgresOutput(validConfig(postgresOutputSpec, {
            host: pg.host, port: pg.port, user: 'postgres', database: names.shift()!, batch_max_rows: size, memory_max_rows: 5 * size,
          }, 'output.bench'), env.ctx), recs, 4 * size));
        }
      }
      if (runs('query') && ROWS > 0) {
        const big = await make();
        console.log(`postgres: filling ${ROWS} rows: ${Math.round(await fill(big, ROWS, 50000))} rows/s`);
        const t = performance.now();
        await big.buildIndexes();
        console.log(`postgres: the indexes of the last closed partitions built ${((performance.now() - t) / 1000).toFixed(1)} s after the last insert`);
        await big.close();
        // Read as maillogctl reads: no index builder.
        const again = new PostgresStore({ connection: { host: pg.host, port: pg.port, user: 'postgres', database: `bench${n - 1}` }, connectTimeoutMs: 5000, buildIndexes: false });
        await again.open();
        console.log('postgres query latency (median of 5):');
        await queryLatency(again, ROWS);
        // The partition still taking rows has only its primary key and time index: the worst case
        // is a full one, less one row.
        const open = 500_000 - 1;
        for (const b of batches(ROWS, open, 50000, ROWS)) await again.insert(b);
        console.log(`postgres query latency with ${open} more rows in the partition still taking rows (median of 5):`);
        await queryLatency(again, ROWS);
        await again.close();
      }
    } finally {
      await pg.destroy();
    }
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
