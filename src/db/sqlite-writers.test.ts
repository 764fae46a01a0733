import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { emptyBatch } from './rows.js';
import { shardIdBase, shardPath, SqliteStore } from './sqlite.js';
import { row } from './store.contract.js';

let dir = '';
const file = () => path.join(dir, 'maillogd.db');
const store = (over: { writers?: number; readonly?: boolean; partitionRows?: number } = {}) =>
  new SqliteStore({ path: file(), busyTimeoutMs: 1000, synchronous: 'normal', ...over });

function batch(from: number, n: number) {
  const b = emptyBatch();
  for (let i = from; i < from + n; i++) b.records.push(row(i));
  return b;
}

/** What file `k` holds, read past the store. */
function inFile(k: number, sql: string): unknown[] {
  const db = new Database(shardPath(file(), k), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).pluck().all();
  } finally {
    db.close();
  }
}

describe('sqlite store with several writers', function () {
  this.timeout(30_000);
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maillogd-sqlite-writers-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the files beside the configured one', () => {
    assert.equal(shardPath('/var/lib/maillogd/maillogd.db', 0), '/var/lib/maillogd/maillogd.db');
    assert.equal(shardPath('/var/lib/maillogd/maillogd.db', 1), '/var/lib/maillogd/maillogd.1.db');
    assert.equal(shardPath('/srv/logs', 2), '/srv/logs.2');
  });

  it('spreads batches in flight over the files, ids unique across them, and merges queries by time', async () => {
    const s = store({ writers: 2 });
    await s.open();
    try {
      assert.equal(s.lanes, 4);
      await Promise.all(Array.from({ length: 20 }, (_, b) => s.insert(batch(b * 100, 100))));
      const ids0 = inFile(0, 'SELECT id FROM records') as number[];
      const ids1 = inFile(1, 'SELECT id FROM records') as number[];
      assert.ok(ids0.length > 0 && ids1.length > 0, `rows in both files: ${ids0.length}, ${ids1.length}`);
      assert.equal(ids0.length + ids1.length, 2000);
      assert.ok(ids0.every((id) => id >= 1 && id < shardIdBase(1)));
      assert.ok(ids1.every((id) => id > shardIdBase(1) && id < shardIdBase(2)));
      assert.equal(Math.min(...ids1), shardIdBase(1) + 1);
      assert.equal(await s.count('records'), 2000);

      const all = await s.query({ limit: 5000, from: 'oldest' });
      assert.deepEqual(all.map((r) => Number(r.procid)), Array.from({ length: 2000 }, (_, i) => 1000 + i));
      assert.equal(new Set(all.map((r) => r.id)).size, 2000);
      assert.deepEqual((await s.query({ limit: 3, from: 'newest' })).map((r) => r.procid), ['2997', '2998', '2999']);
      assert.deepEqual((await s.query({ limit: 3, from: 'oldest', host: 'host1' })).map((r) => r.procid), ['1001', '1004', '1007']);
      // A mail id from each file.
      const inSecond = all.find((r) => r.id > shardIdBase(1))!;
      const inFirst = all.find((r) => r.id < shardIdBase(1))!;
      for (const r of [inFirst, inSecond]) {
        assert.deepEqual((await s.query({ msgid: r.mailId, limit: 10, from: 'oldest' })).map((x) => x.id), [r.id]);
      }
      const plan = await s.explain({ msgid: inFirst.mailId, limit: 10, from: 'oldest' });
      assert.match(plan, new RegExp(`^${file().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\n`));
      assert.ok(plan.includes(`${shardPath(file(), 1)}:\n`), plan);
    } finally {
      await s.close();
    }
  });

  it('a read-only store reads every file; fewer writers still read, count and prune the others', async () => {
    let s = store({ writers: 2 });
    await s.open();
    await Promise.all(Array.from({ length: 4 }, (_, b) => s.insert(batch(b * 10, 10))));
    await s.close();
    const second = (inFile(1, 'SELECT count(*) FROM records')[0] as number);
    assert.ok(second > 0);

    const reader = store({ readonly: true });
    await reader.open();
    assert.equal(await reader.count('records'), 40);
    assert.equal((await reader.query({ limit: 100, from: 'oldest' })).length, 40);
    await reader.close();

    s = store({ writers: 1 });
    await s.open();
    try {
      await s.insert(batch(40, 10));
      await s.insert(batch(50, 10));
      assert.equal(inFile(1, 'SELECT count(*) FROM records')[0], second, 'the second file takes no more rows');
      assert.equal(await s.count('records'), 60);
      // row(i) is i seconds after T0: the first 35 rows are older than the cut, wherever they are.
      const cut = (row(35).timeUs);
      let pruned = 0;
      for (let n = -1; n !== 0; pruned += n) n = await s.prune(cut, 1000);
      assert.equal(pruned, 35);
      assert.equal(await s.count('records'), 25);
    } finally {
      await s.close();
    }
  });

  it('starts the second file\'s partitions at its own ids and rolls them over like the first', async () => {
    // 60-row batches, five to each file: a batch goes whole to the partition open when it starts.
    const s = store({ writers: 2, partitionRows: 100 });
    await s.open();
    try {
      for (let b = 0; b < 10; b += 2) await Promise.all([s.insert(batch(b * 60, 60)), s.insert(batch(b * 60 + 60, 60))]);
      await s.schemaVersion(); // answered after the builds the last batches set off
    } finally {
      await s.close();
    }
    const base = shardIdBase(1);
    const tables = inFile(1, "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'records_[0-9]*' ORDER BY name") as string[];
    assert.deepEqual(tables.sort(), ['records_0', `records_${base + 1}`, `records_${base + 121}`, `records_${base + 241}`].sort());
    const indexes = inFile(1, `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records_${base + 1}' ORDER BY name`);
    assert.equal(indexes.length, 5, String(indexes));
    assert.equal(inFile(1, 'SELECT count(*) FROM records')[0], 300);
  });
});
