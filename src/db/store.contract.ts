// The contract every store keeps, as one mocha suite that each database's test file runs against
// a real database: the same rows in, the same rows out, the same filters, the same pruning.

import assert from 'node:assert/strict';
import type { RecordQuery } from './query.js';
import { emptyBatch, type RecordRow, type RowBatch } from './rows.js';
import { SCHEMA_VERSION } from './schema.js';
import type { Store } from './store.js';

export interface StoreHarness {
  /** Makes a fresh, empty database (called before each test). */
  fresh(): Promise<void>;
  /** A new store on the current database (not yet open). */
  make(): Store;
  /** Drops the current database (called after each test). */
  dispose(): Promise<void>;
}

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0) * 1000; // µs

export function row(i: number, over: Partial<RecordRow> = {}): RecordRow {
  return {
    timeUs: T0 + i * 1_000_000 + 123,
    receivedUs: T0 + i * 1_000_000 + 500_000,
    host: `host${i % 3}`,
    app: i % 2 ? 'postfix/smtpd' : 'postfix/qmgr',
    procid: String(1000 + i),
    msgid: '',
    mailId: `Q${String(i).padStart(6, '0')}`,
    facility: 2,
    severity: i % 8,
    levelScheme: null,
    levelValue: null,
    message: `message ${i}: to=<user${i}@example.org> status=sent`,
    dialect: null,
    disposition: null,
    fields: null,
    input: 'tcp',
    peer: '127.0.0.1',
    ...over,
  };
}

function batchOf(rows: RecordRow[]): RowBatch {
  const b = emptyBatch();
  b.records.push(...rows);
  return b;
}

const q = (over: Partial<RecordQuery>): RecordQuery => ({ limit: 1000, from: 'oldest', ...over });

export function storeContract(label: string, h: StoreHarness): void {
  describe(`store contract: ${label}`, function () {
    this.timeout(30_000);
    let store: Store;

    beforeEach(async () => {
      await h.fresh();
      store = h.make();
      await store.open();
    });
    afterEach(async () => {
      await store.close();
      await h.dispose();
    });

    it('creates the schema on first open and leaves it alone on the next', async () => {
      assert.equal(await store.schemaVersion(), SCHEMA_VERSION);
      await store.close();
      store = h.make();
      assert.deepEqual(await store.open(), { from: SCHEMA_VERSION, to: SCHEMA_VERSION });
      assert.equal(await store.count('records'), 0);
    });

    it('gives back every column as written, µs times, nulls and non-ASCII text included', async () => {
      const rows = [
        row(1),
        row(2, {
          levelScheme: 'axigen', levelValue: 4, dialect: 'emg', disposition: 'delivery', msgid: 'ID47',
          fields: JSON.stringify({ instance: '2', options: [{ number: 1, value: '71' }] }),
          message: 'ünïcödé — 日本語 \t tab', host: 'mx.exämple.org', peer: '::1',
        }),
        row(3, { message: '', procid: '', app: '' }),
      ];
      await store.insert(batchOf(rows));
      const got = await store.query(q({}));
      assert.equal(got.length, 3);
      got.forEach((g, i) => {
        const { id, fields, ...rest } = g;
        const { fields: wantFields, ...want } = rows[i]!;
        assert.ok(id > 0);
        assert.deepEqual(rest, want);
        assert.deepEqual(fields === null ? null : JSON.parse(fields) as unknown, wantFields === null ? null : JSON.parse(wantFields) as unknown);
      });
    });

    it('writes the EMG tables in the same transaction', async () => {
      const b = batchOf([row(1)]);
      b.connector.push({ timeUs: T0, instance: '2', event: 5, ok: true, info: 'orphaned', options: '001:71 008:1234' });
      b.connector.push({ timeUs: T0 + 1, instance: '4', event: 4, ok: false, info: 'pdu=1/1,info="72"', options: '' });
      b.route.push({ timeUs: T0, mailId: '71', instance: '2', direction: 'in', ok: true, destination: '1234' });
      b.pdu.push({ timeUs: T0, instance: '4', text: 'Write 0000: 00 01' });
      await store.insert(b);
      assert.deepEqual(
        [await store.count('records'), await store.count('connectorlog'), await store.count('routelog'), await store.count('pdulog')],
        [1, 2, 1, 1]);
    });

    it('filters by time, host, app, severity, message id and text, each alone and together', async () => {
      await store.insert(batchOf(Array.from({ length: 40 }, (_, i) => row(i))));
      const ids = async (over: Partial<RecordQuery>) => (await store.query(q(over))).map((r) => Number(r.procid) - 1000);
      assert.deepEqual(await ids({ sinceUs: T0 + 10 * 1_000_000, untilUs: T0 + 13 * 1_000_000 }), [10, 11, 12]);
      assert.deepEqual(await ids({ host: 'host1', untilUs: T0 + 12 * 1_000_000 }), [1, 4, 7, 10]);
      assert.deepEqual(await ids({ host: 'host?', untilUs: T0 + 3 * 1_000_000 }), [0, 1, 2]);
      assert.deepEqual((await ids({ app: 'postfix/*' })).length, 40);
      assert.deepEqual(await ids({ app: 'postfix/smtpd', untilUs: T0 + 6 * 1_000_000 }), [1, 3, 5]);
      assert.deepEqual(await ids({ maxSeverity: 1, untilUs: T0 + 17 * 1_000_000 }), [0, 1, 8, 9, 16]);
      assert.deepEqual(await ids({ msgid: 'Q000017' }), [17]);
      assert.deepEqual(await ids({ grep: 'user23@' }), [23]);
      assert.deepEqual(await ids({ host: 'host2', maxSeverity: 5, grep: 'status=sent', sinceUs: T0 + 20 * 1_000_000 }), [20, 26, 29, 32, 35]);
    });

    it('treats % and _ in a glob or a grep as plain characters', async () => {
      await store.insert(batchOf([
        row(1, { app: 'a_b', message: '100% done' }),
        row(2, { app: 'axb', message: '100 percent done' }),
      ]));
      assert.deepEqual((await store.query(q({ app: 'a_*' }))).map((r) => r.app), ['a_b']);
      assert.deepEqual((await store.query(q({ grep: '0% d' }))).map((r) => r.app), ['a_b']);
    });

    it('matches a message id in the RFC 5424 MSGID as well as the mail id', async () => {
      await store.insert(batchOf([row(1, { msgid: 'TCPIN', mailId: '' }), row(2, { mailId: 'TCPIN' }), row(3)]));
      assert.deepEqual((await store.query(q({ msgid: 'TCPIN' }))).map((r) => r.procid), ['1001', '1002']);
    });

    it('returns the newest rows, oldest first, when asked for the last N', async () => {
      await store.insert(batchOf(Array.from({ length: 10 }, (_, i) => row(i))));
      assert.deepEqual((await store.query({ limit: 3, from: 'newest' })).map((r) => r.procid), ['1007', '1008', '1009']);
      assert.deepEqual((await store.query({ limit: 3, from: 'oldest' })).map((r) => r.procid), ['1000', '1001', '1002']);
    });

    it('prunes rows older than the cut, at most `limit` per table per call', async () => {
      const b = batchOf(Array.from({ length: 30 }, (_, i) => row(i)));
      b.connector.push({ timeUs: T0, instance: '1', event: 0, ok: true, info: '', options: '' });
      await store.insert(b);
      const cut = T0 + 20 * 1_000_000;
      assert.equal(await store.prune(cut, 8), 9); // 8 records + 1 connectorlog row
      assert.equal(await store.prune(cut, 8), 8);
      assert.equal(await store.prune(cut, 8), 4);
      assert.equal(await store.prune(cut, 8), 0);
      assert.equal(await store.count('records'), 10);
      assert.equal(await store.count('connectorlog'), 0);
    });

    it('keeps rows written by one store visible to another on the same database', async () => {
      await store.insert(batchOf([row(1), row(2)]));
      const other = h.make();
      await other.open();
      try {
        assert.equal((await other.query(q({}))).length, 2);
      } finally {
        await other.close();
      }
    });

    it('fails with a transient error when used after close', async () => {
      await store.close();
      await assert.rejects(store.insert(batchOf([row(1)])), (e: Error & { transient?: boolean }) => e.transient === true);
      store = h.make();
      await store.open();
    });
  });
}
