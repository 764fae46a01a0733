// How fast one SQLite writer (better-sqlite3 alone, one thread) takes rows into three layouts of
// `records`, to size a partitioned SQLite store before building one:
//   one table:   the schema's table with all five indexes kept up row by row (the store today);
//   partitions:  tables of --part rows, each taking rows with only its time index; when one is full
//                the next is made and the full one gets the other four indexes by CREATE INDEX, in
//                one transaction, on the same thread (the writer waits meanwhile);
//   bare:        one table with no index at all, its rowid only: what the writer alone can do.
// Rows like db.bench.ts's, made batch by batch on the same thread (~0.6 µs a row), 16 rows per
// INSERT OR ROLLBACK as the store writes them, --tx rows per transaction, WAL with
// synchronous=NORMAL and checkpoints every --checkpoint pages (10,000, as src/db/sqlite-file.ts opens
// the file).
// Prints rows/s from the first row to the last build, CPU µs per row, and the time spent building;
// median of --runs runs, the layouts alternated. Run:
//   node --import tsx bench/sqlite-layouts.bench.ts [--rows N] [--part N] [--tx N] [--runs R] [--checkpoint PAGES]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { row } from './db-rows.js';
import { numberOption } from './options.js';

const ROWS = numberOption('--rows', '2000000');
const PART = numberOption('--part', '500000');
const TX = numberOption('--tx', '10000');
const RUNS = numberOption('--runs', '3');
const CHECKPOINT = numberOption('--checkpoint', '10000');

type Layout = 'one table' | 'partitions' | 'bare';
const LAYOUTS: readonly Layout[] = ['one table', 'partitions', 'bare'];

const COLUMNS = 'time, received, host, app, procid, msgid, mail_id, facility, severity, level_scheme, level_value, message, dialect, disposition, fields, input, peer';
const table = (name: string) => `CREATE TABLE ${name} (id INTEGER PRIMARY KEY, time INTEGER NOT NULL, received INTEGER NOT NULL,
  host TEXT NOT NULL, app TEXT NOT NULL, procid TEXT NOT NULL, msgid TEXT NOT NULL, mail_id TEXT NOT NULL, facility INTEGER NOT NULL,
  severity INTEGER NOT NULL, level_scheme TEXT, level_value INTEGER, message TEXT NOT NULL, dialect TEXT, disposition TEXT, fields TEXT,
  input TEXT NOT NULL, peer TEXT NOT NULL)`;
const closedIndexes = (t: string) => [
  `CREATE INDEX ${t}_host_time ON ${t} (host, time)`,
  `CREATE INDEX ${t}_app_time ON ${t} (app, time)`,
  `CREATE INDEX ${t}_mail_id ON ${t} (mail_id) WHERE mail_id <> ''`,
  `CREATE INDEX ${t}_msgid ON ${t} (msgid) WHERE msgid <> ''`,
];

interface Result { rowsPerSec: number; cpuUs: number; buildMs: number }

function run(dir: string, layout: Layout): Result {
  const file = path.join(dir, 'layouts.db');
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`wal_autocheckpoint = ${CHECKPOINT}`);
  const one = `(${Array<string>(17).fill('?').join(',')})`;
  let insert!: Database.Statement;
  const open = (name: string) => {
    db.exec(table(name));
    if (layout !== 'bare') db.exec(`CREATE INDEX ${name}_time ON ${name} (time)`);
    if (layout === 'one table') for (const sql of closedIndexes(name)) db.exec(sql);
    insert = db.prepare(`INSERT OR ROLLBACK INTO ${name} (${COLUMNS}) VALUES ${Array<string>(16).fill(one).join(',')}`);
    return name;
  };
  let current = open(layout === 'partitions' ? 'records_0' : 'records');
  const args: unknown[] = [];
  const write = db.transaction((rows: ReturnType<typeof row>[]) => {
    for (let i = 0; i < rows.length; i += 16) {
      args.length = 0;
      for (let j = i; j < i + 16; j++) {
        const r = rows[j]!;
        args.push(r.timeUs, r.receivedUs, r.host, r.app, r.procid, r.msgid, r.mailId, r.facility, r.severity, r.levelScheme, r.levelValue,
          r.message, r.dialect, r.disposition, r.fields, r.input, r.peer);
      }
      insert.run(args);
    }
  });
  let buildNs = 0n;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let at = 0; at < ROWS; at += TX) {
    const rows = [];
    for (let i = at; i < at + TX; i++) rows.push(row(i, ROWS));
    write(rows);
    if (layout === 'partitions' && (at + TX) % PART === 0) {
      const b0 = process.hrtime.bigint();
      const full = current;
      if (at + TX < ROWS) current = open(`records_${at + TX}`);
      db.transaction(() => { for (const sql of closedIndexes(full)) db.exec(sql); })();
      buildNs += process.hrtime.bigint() - b0;
    }
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  db.close();
  return { rowsPerSec: ROWS / s, cpuUs: (c.user + c.system) / ROWS, buildMs: Number(buildNs) / 1e6 };
}

if (ROWS % 16 || TX % 16 || ROWS % TX || PART % TX || ROWS % PART) throw new Error('--rows, --tx and --part must divide evenly (by 16 too)');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maillogd-sqlite-layouts-'));
try {
  const got = new Map<Layout, Result[]>(LAYOUTS.map((l) => [l, []]));
  for (let r = 0; r < RUNS; r++) for (const l of LAYOUTS) got.get(l)!.push(run(dir, l));
  console.log(`${ROWS} rows, ${TX} per transaction, partitions of ${PART}, checkpoints every ${CHECKPOINT} pages; median of ${RUNS}, layouts alternated (runs in brackets)`);
  for (const [l, xs] of got) {
    const rate = xs.map((x) => x.rowsPerSec);
    console.log(`${l}: ${Math.round(median(rate))} rows/s (${rate.map(Math.round).join(', ')}); ` +
      `${median(xs.map((x) => x.cpuUs)).toFixed(2)} CPU µs/row; building ${Math.round(median(xs.map((x) => x.buildMs)))} ms`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
