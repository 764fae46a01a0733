// What each index of the `records` table costs an insert into SQLite, measured on better-sqlite3
// alone (no thread hand-off, no record → row conversion): the schema's own tables and indexes
// (src/db/schema.ts), rows like db.bench.ts's (200 hosts, 8 apps, one mail id per 5 rows, ~200
// byte messages), inserted as the store inserts them (16 rows per INSERT OR ROLLBACK, see
// src/db/sqlite-batch.ts), --tx rows per transaction, WAL with synchronous=NORMAL.
//   incremental: a fresh database per case, with the indexes of that case and every one above it
//                in the list already made, then --rows rows inserted: CPU µs per row.
//   built after: the rows inserted with no secondary index, then each index made by CREATE INDEX
//                (sorted, built bottom up): CPU µs per row for each.
// Prints the median of --runs runs for each case.
//   --fill N:    instead, one database filled to N rows in steps of 500,000, once with every index
//                and once with only the time, host and app indexes (no mail-id index; no MSGID
//                index, which these rows would not touch): rows/s and CPU µs per row of each step,
//                to show how the rate holds as the file grows.
// Run: node --import tsx bench/sqlite-indexes.bench.ts [--rows N] [--tx N] [--runs R] [--fill N]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../src/db/schema.js';
import { numberOption } from './options.js';

const ROWS = numberOption('--rows', '300000');
const TX = numberOption('--tx', '10000');
const RUNS = numberOption('--runs', '3');
const FILL = numberOption('--fill', '0');
const STEP = 500_000;

// The records indexes as the last migration leaves them, in the order the cases add them.
const INDEXES: readonly [string, string][] = [
  ['time', 'CREATE INDEX records_time ON records (time)'],
  ['host, time', 'CREATE INDEX records_host_time ON records (host, time)'],
  ['app, time', 'CREATE INDEX records_app_time ON records (app, time)'],
  ['mail id', "CREATE INDEX records_mail_id ON records (mail_id) WHERE mail_id <> ''"],
  ['msgid', "CREATE INDEX records_msgid ON records (msgid) WHERE msgid <> ''"],
];
const COLUMNS = ['time', 'received', 'host', 'app', 'procid', 'msgid', 'mail_id', 'facility', 'severity', 'level_scheme', 'level_value',
  'message', 'dialect', 'disposition', 'fields', 'input', 'peer'];

type Row = (string | number | null)[];

/** Rows `from` to `from + n - 1` of one endless sequence (a mail id per 5 rows, random ids). */
function makeRows(n: number, from = 0): Row[] {
  const hosts = Array.from({ length: 200 }, (_, i) => `mx${i}.example.net`);
  const apps = ['postfix/smtpd', 'postfix/cleanup', 'postfix/qmgr', 'postfix/smtp', 'dovecot', 'amavis', 'postfix/local', 'opendkim'];
  let seed = 12345 + from;
  const hex = (): string => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed.toString(16).toUpperCase() + 'A').padStart(10, '0').slice(0, 10);
  };
  const t0 = 1_795_322_181_000_000;
  const rows: Row[] = [];
  let mail = hex();
  for (let i = from; i < from + n; i++) {
    if (i % 5 === 0) mail = hex();
    const message = `${mail}: to=<user${i}@example.com>, relay=mx.example.org[192.0.2.1]:25, delay=0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok)`;
    rows.push([t0 + i * 10, t0 + i * 10, hosts[i % 200]!, apps[i % 8]!, String(1000 + (i % 50)), '', mail, 2, 6, null, null,
      message.padEnd(190, '.'), null, null, null, 'in', '127.0.0.1']);
  }
  return rows;
}

/** A fresh database with the schema's tables and the first `indexes` records indexes. */
function fresh(dir: string, indexes: number): Database.Database {
  const file = path.join(dir, 'bench.db');
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 10000');
  for (const m of MIGRATIONS) for (const sql of m.sqlite) db.exec(sql);
  for (const [, sql] of INDEXES) db.exec(sql.replace(/^CREATE INDEX (\w+) .*/, 'DROP INDEX $1'));
  for (const [, sql] of INDEXES.slice(0, indexes)) db.exec(sql);
  return db;
}

function insertAll(db: Database.Database, rows: readonly Row[]): number {
  const one = `(${COLUMNS.map(() => '?').join(',')})`;
  const many = db.prepare(`INSERT OR ROLLBACK INTO records (${COLUMNS.join(',')}) VALUES ${Array<string>(16).fill(one).join(',')}`);
  const single = db.prepare(`INSERT OR ROLLBACK INTO records (${COLUMNS.join(',')}) VALUES ${one}`);
  const args: Row = [];
  const tx = db.transaction((from: number, to: number) => {
    let i = from;
    for (; i + 16 <= to; i += 16) {
      args.length = 0;
      for (let j = i; j < i + 16; j++) args.push(...rows[j]!);
      many.run(args);
    }
    for (; i < to; i++) single.run(rows[i]!);
  });
  const c0 = process.cpuUsage();
  for (let i = 0; i < rows.length; i += TX) tx(i, Math.min(rows.length, i + TX));
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / rows.length;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

function fill(dir: string, indexes: number, what: string): void {
  const db = fresh(dir, indexes);
  for (let from = 0; from < FILL; from += STEP) {
    const rows = makeRows(Math.min(STEP, FILL - from), from);
    const t0 = process.hrtime.bigint();
    const us = insertAll(db, rows);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`fill, ${what}, rows ${from + 1}–${from + rows.length}: ${Math.round(rows.length / s)} rows/s, ${us.toFixed(2)} CPU µs/row`);
  }
  db.close();
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maillogd-sqlite-indexes-'));
try {
  if (FILL > 0) {
    console.log(`filling to ${FILL} rows, ${TX} per transaction`);
    fill(dir, INDEXES.length, 'every index');
    fill(dir, 3, 'time, host and app indexes');
  } else {
    const rows = makeRows(ROWS);
    console.log(`${ROWS} rows, ${TX} per transaction, median of ${RUNS}`);
    for (let k = 0; k <= INDEXES.length; k++) {
      const us: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const db = fresh(dir, k);
        us.push(insertAll(db, rows));
        db.close();
      }
      const what = k === 0 ? 'no secondary index' : `+ ${INDEXES[k - 1]![0]}`;
      console.log(`incremental, ${what}: ${median(us).toFixed(2)} µs/row (${us.map((u) => u.toFixed(2)).join(', ')}), ` +
        `${Math.round(1e6 / median(us))} rows/s of one core`);
    }
    const built = INDEXES.map(() => [] as number[]);
    for (let r = 0; r < RUNS; r++) {
      const db = fresh(dir, 0);
      insertAll(db, rows);
      INDEXES.forEach(([, sql], i) => {
        const c0 = process.cpuUsage();
        db.exec(sql);
        const c = process.cpuUsage(c0);
        built[i]!.push((c.user + c.system) / rows.length);
      });
      db.close();
    }
    INDEXES.forEach(([name], i) => console.log(`built after, ${name}: ${median(built[i]!).toFixed(2)} µs/row (${built[i]!.map((u) => u.toFixed(2)).join(', ')})`));
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
