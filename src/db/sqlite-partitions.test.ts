import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { emptyBatch, type RecordRow } from './rows.js';
import { SqliteStore } from './sqlite.js';
import { row } from './store.contract.js';

let dir = '';
const file = () => path.join(dir, 'maillogd.db');
const store = (over: { partitionRows?: number; busyTimeoutMs?: number } = {}, warn?: (m: string) => void) =>
  new SqliteStore({ path: file(), busyTimeoutMs: over.busyTimeoutMs ?? 1000, synchronous: 'normal', partitionRows: over.partitionRows ?? 1000 }, warn);

function batch(from: number, n: number, over: (i: number) => Partial<RecordRow> = () => ({})) {
  const b = emptyBatch();
  for (let i = from; i < from + n; i++) b.records.push(row(i, over(i)));
  return b;
}

/** The partitions in the file, with their indexes, in id order. */
function layout(): { name: string; indexes: string[]; ids: [number, number] }[] {
  const db = new Database(file(), { readonly: true });
  try {
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'records_[0-9]*'").pluck().all() as string[])
      .sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)));
    return names.map((name) => ({
      name,
      indexes: (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name").pluck().all(name) as string[]),
      ids: db.prepare(`SELECT min(id), max(id) FROM ${name}`).raw().get() as [number, number],
    }));
  } finally {
    db.close();
  }
}

const built = (name: string) => [`${name}_app_time`, `${name}_host_time`, `${name}_mail_id`, `${name}_msgid`, `${name}_time`];

describe('sqlite partitions of records', () => {
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maillogd-sqlite-parts-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('makes the next partition when the open one is full and builds the closed one\'s indexes, ids running on', async () => {
    const s = store();
    await s.open();
    for (let at = 0; at < 3500; at += 500) await s.insert(batch(at, 500));
    await s.count('records'); // answered after the build of the partition the last batch closed
    const l = layout();
    assert.deepEqual(l.map((p) => p.name), ['records_0', 'records_1', 'records_1001', 'records_2001', 'records_3001']);
    assert.deepEqual(l.slice(1).map((p) => p.ids), [[1, 1000], [1001, 2000], [2001, 3000], [3001, 3500]]);
    for (const p of l.slice(1, -1)) assert.deepEqual(p.indexes, built(p.name));
    assert.deepEqual(l.at(-1)!.indexes, ['records_3001_time']);
    const all = await s.query({ limit: 10_000, from: 'oldest' });
    assert.deepEqual(all.map((r) => r.id), Array.from({ length: 3500 }, (_, i) => i + 1));
    assert.deepEqual(all.map((r) => r.procid), Array.from({ length: 3500 }, (_, i) => String(1000 + i)));
    assert.deepEqual((await s.query({ msgid: 'Q001500', limit: 10, from: 'oldest' })).map((r) => r.id), [1501]);
    await s.close();
  });

  it('builds after the next open the indexes a crash left unbuilt, and says so when it cannot build them', async () => {
    let s = store();
    await s.open();
    for (let at = 0; at < 2500; at += 500) await s.insert(batch(at, 500));
    await s.close();
    // A crash between the batch that closed records_1001 and its build.
    const db = new Database(file());
    for (const suffix of ['host_time', 'app_time', 'mail_id', 'msgid']) db.exec(`DROP INDEX records_1001_${suffix}`);
    assert.deepEqual(layout()[2]!.indexes, ['records_1001_time']);
    // Held by another process: the build waits busy_timeout_ms, gives up and says why.
    db.exec('BEGIN IMMEDIATE');
    const warnings: string[] = [];
    s = store({ busyTimeoutMs: 50 }, (m) => warnings.push(m));
    await s.open();
    await s.query({ limit: 1, from: 'oldest' }).catch(() => undefined);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /cannot build the indexes of a closed partition of records yet .*SQLITE_BUSY/);
    assert.deepEqual(layout()[2]!.indexes, ['records_1001_time']);
    await s.close();
    db.exec('COMMIT');
    db.close();
    s = store();
    await s.open();
    await s.count('records');
    assert.deepEqual(layout()[2]!.indexes, built('records_1001'));
    assert.match(await s.explain({ msgid: 'Q001100', limit: 10, from: 'oldest' }), /SEARCH records_1001 USING INDEX records_1001_mail_id/);
    await s.close();
  });

  it('rolls back the partition a refused batch made, and makes it again with the next batch', async () => {
    const s = store();
    await s.open();
    await s.insert(batch(0, 1000));
    const bad = batch(1000, 10);
    bad.records[4] = { ...bad.records[4]!, host: null as unknown as string };
    await assert.rejects(s.insert(bad), (e: Error & { transient?: boolean }) => e.transient === false);
    assert.deepEqual(layout().map((p) => p.name), ['records_0', 'records_1']);
    await s.insert(batch(1000, 10));
    assert.deepEqual(layout().map((p) => [p.name, p.ids]), [['records_0', [null, null]], ['records_1', [1, 1000]], ['records_1001', [1001, 1010]]]);
    assert.equal(await s.count('records'), 1010);
    await s.close();
  });

  it('keeps ids unique when two writers share the file, each seeing the partitions the other made', async () => {
    const a = store();
    const b = store();
    await a.open();
    await b.open();
    for (let k = 0; k < 12; k++) await (k % 2 ? b : a).insert(batch(k * 300, 300));
    await Promise.all([a.insert(batch(3600, 300)), b.insert(batch(3900, 300))]);
    const rows = await a.query({ limit: 10_000, from: 'oldest' });
    assert.equal(rows.length, 4200);
    assert.deepEqual([...new Set(rows.map((r) => r.id))].sort((x, y) => x - y), Array.from({ length: 4200 }, (_, i) => i + 1));
    assert.deepEqual(rows.map((r) => Number(r.procid)).sort((x, y) => x - y), Array.from({ length: 4200 }, (_, i) => 1000 + i));
    const l = layout();
    assert.deepEqual(l.map((p) => p.name), ['records_0', 'records_1', 'records_1201', 'records_2401', 'records_3601']);
    await a.close();
    await b.close();
    for (const p of l.slice(1, -1)) assert.deepEqual(p.indexes, built(p.name));
  });

  it('makes partitions larger once there are fifty, so that the view stays far from SQLite\'s limit of 500 arms', async function () {
    this.timeout(60_000);
    const s = store({ partitionRows: 10 });
    await s.open();
    for (let at = 0; at < 3000; at += 10) await s.insert(batch(at, 10));
    assert.equal(await s.count('records'), 3000);
    const l = layout().slice(1, -1);
    const sizes = l.map((p) => p.ids[1] - p.ids[0] + 1);
    // 50 of 10 rows; then each a fiftieth of the ids so far: 50 + 50 ln(3000 / 500) ≈ 140 in all.
    assert.deepEqual(sizes.slice(0, 50), Array<number>(50).fill(10));
    assert.ok(l.length > 100 && l.length < 150, `${l.length} partitions`);
    for (let k = 51; k < sizes.length; k++) assert.ok(sizes[k]! >= sizes[k - 1]!, sizes.join(' '));
    assert.ok(sizes.at(-1)! >= 50, sizes.join(' '));
    assert.equal((await s.query({ limit: 5000, from: 'oldest' })).length, 3000);
    await s.close();
  });

  it('prunes by dropping partitions whose rows are all old, deleting the rest in batches, and keeps the open one', async () => {
    const s = store();
    await s.open();
    const day = 86_400_000_000;
    const now = Date.now() * 1000;
    // records_1: all old; records_1001: half old; records_2001 (open): old rows too.
    await s.insert(batch(0, 1000, () => ({ timeUs: now - 10 * day })));
    await s.insert(batch(1000, 1000, (i) => ({ timeUs: i % 2 ? now - 10 * day : now })));
    await s.insert(batch(2000, 100, (i) => ({ timeUs: i < 2010 ? now - 10 * day : now })));
    const cut = now - 5 * day;
    const first = await s.prune(cut, 300);
    assert.ok(first >= 1000, `first prune: ${first}`);
    assert.ok(!layout().some((p) => p.name === 'records_1'), 'the partition whose rows were all old is dropped');
    let total = first;
    for (let n = -1; n !== 0; total += n) n = await s.prune(cut, 300);
    assert.equal(total, 1000 + 500 + 10);
    const left = await s.query({ limit: 10_000, from: 'oldest' });
    assert.equal(left.length, 500 + 90);
    assert.ok(left.every((r) => r.timeUs >= cut));
    assert.deepEqual(layout().map((p) => p.name), ['records_1001', 'records_2001']);
    // Emptied closed partitions go at the next prune; the open one stays, even empty.
    await s.insert(batch(3000, 10, () => ({ timeUs: now - 10 * day })));
    for (let n = -1; n !== 0;) n = await s.prune(now + 1, 300);
    assert.deepEqual(layout().map((p) => p.name), ['records_2001']);
    assert.equal(await s.count('records'), 0);
    await s.insert(batch(4000, 5));
    // As in a table of schema 3, the ids after the last row there is: here the open partition's first.
    assert.deepEqual((await s.query({ limit: 10, from: 'oldest' })).map((r) => r.id), [2001, 2002, 2003, 2004, 2005]);
    await s.close();
  });
});
