import assert from 'node:assert/strict';
import { copies, dataOf } from './pg-copy.js';
import { emptyBatch, type RecordRow } from './rows.js';
import { StoreError } from './store.js';
import { row } from './store.contract.js';

/** The tuples of binary COPY data, each field as its bytes (null for NULL). */
function tuples(data: Buffer): (Buffer | null)[][] {
  assert.equal(data.toString('latin1', 0, 11), 'PGCOPY\n\xff\r\n\0');
  assert.equal(data.readInt32BE(11), 0);
  assert.equal(data.readInt32BE(15), 0);
  const out: (Buffer | null)[][] = [];
  let at = 19;
  for (;;) {
    const n = data.readInt16BE(at);
    at += 2;
    if (n === -1) break;
    const fields: (Buffer | null)[] = [];
    for (let f = 0; f < n; f++) {
      const len = data.readInt32BE(at);
      at += 4;
      fields.push(len < 0 ? null : data.subarray(at, at + len));
      at += Math.max(len, 0);
    }
    out.push(fields);
  }
  assert.equal(at, data.length);
  return out;
}

const batchOf = (...rows: RecordRow[]) => {
  const b = emptyBatch();
  b.records.push(...rows);
  return b;
};

/** µs since 2000-01-01 UTC, as the server reads a binary timestamptz. */
const pgTime = (f: Buffer | null) => f!.readBigInt64BE(0);
const EPOCH_2000_US = 946_684_800_000_000n;

describe('postgres COPY data (binary)', () => {
  it('writes every column of a record as PostgreSQL reads it back', () => {
    const r = row(1, {
      timeUs: -1, receivedUs: 1_795_341_600_999_999, levelScheme: 'axigen', levelValue: -7, facility: 23, severity: 0,
      message: 'ünï\0cödé — 日本語 😀 \t\\', fields: '{"a":"x\\u0000y","b":"\\ud800","c":"\\\\u0000"}', dialect: null,
    });
    const [copy] = copies(batchOf(r));
    assert.equal(copy!.sql, 'COPY records (time, received, host, app, procid, msgid, mail_id, facility, severity, level_scheme, level_value, ' +
      'message, dialect, disposition, fields, input, peer) FROM STDIN (FORMAT binary)');
    const [t] = tuples(dataOf(copy!));
    assert.equal(t!.length, 17);
    assert.equal(pgTime(t![0]!), -1n - EPOCH_2000_US);
    assert.equal(pgTime(t![1]!), 1_795_341_600_999_999n - EPOCH_2000_US);
    assert.deepEqual([t![2]!.toString(), t![6]!.toString()], [r.host, r.mailId]);
    assert.deepEqual([t![7]!.readInt16BE(0), t![8]!.readInt16BE(0), t![10]!.readInt32BE(0)], [23, 0, -7]);
    assert.equal(t![11]!.toString(), 'ünï#000cödé — 日本語 😀 \t\\');
    assert.equal(t![12], null);
    assert.equal(t![14]![0], 1); // jsonb version
    assert.equal(t![14]!.subarray(1).toString(), '{"a":"x#000y","b":"\\ufffd","c":"\\\\u0000"}');
  });

  it('writes the EMG tables, booleans as one byte', () => {
    const b = emptyBatch();
    b.connector.push({ timeUs: 0, instance: '2', event: 5, ok: true, info: 'i', options: '001:71' });
    b.route.push({ timeUs: 0, mailId: '71', instance: '2', direction: 'in', ok: false, destination: '' });
    b.pdu.push({ timeUs: 0, instance: '4', text: 'Write 0000' });
    const [connector, route, pdu] = copies(b).map((c) => tuples(dataOf(c))[0]!);
    assert.deepEqual([connector![2]!.readInt16BE(0), connector![3]![0]], [5, 1]);
    assert.deepEqual([route![4]![0], route![5]!.length], [0, 0]);
    assert.equal(pdu![2]!.toString(), 'Write 0000');
  });

  it('grows its buffer for rows longer than it guessed', () => {
    const long = 'x'.repeat(100_000) + 'é'.repeat(50_000);
    const [t] = tuples(dataOf(copies(batchOf(row(1), row(2, { message: long }), row(3))).at(0)!)).slice(1);
    assert.equal(t![11]!.toString(), long);
  });

  it('encodes in pieces of whole tuples as they are asked for, refusing a row when its piece is made', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => row(i));
    const [copy] = copies(batchOf(...rows));
    const whole = dataOf(copy!);
    const pieces = [...copy!.pieces(10_000)];
    assert.ok(pieces.length > 5);
    for (const p of pieces.slice(0, -1)) assert.ok(p.length >= 10_000 && p.length < 10_000 + 500, `a piece of ${p.length} bytes`);
    assert.deepEqual(Buffer.concat(pieces), whole);
    assert.equal(tuples(whole).length, 1000);
    // Each piece after the first starts at a tuple: its field count.
    for (const p of pieces.slice(1)) assert.equal(p.readInt16BE(0), 17);

    rows[900] = row(900, { severity: 1e6 });
    const made: number[] = [];
    assert.throws(() => { for (const p of copies(batchOf(...rows))[0]!.pieces(10_000)) made.push(p.length); },
      (e: unknown) => e instanceof StoreError && !e.transient && /severity 1000000 is not a smallint/.test(e.message));
    assert.ok(made.length >= 4 && made.length < pieces.length);
  });

  it('refuses for good, naming the column, a value the table cannot take', () => {
    const refused = (over: Partial<RecordRow>) => assert.throws(() => dataOf(copies(batchOf(row(1, over)))[0]!), (e: unknown) => e instanceof StoreError && !e.transient);
    refused({ facility: 1.5 });
    refused({ severity: 70_000 });
    refused({ levelValue: 2 ** 40 });
    refused({ timeUs: 1e300 });
    refused({ receivedUs: Number.NaN });
    refused({ host: null as unknown as string });
    assert.throws(() => dataOf(copies(batchOf(row(1, { levelValue: 2 ** 31 })))[0]!), /level_value 2147483648 is not an integer/);
    assert.throws(() => dataOf(copies(batchOf(row(1, { app: undefined as unknown as string })))[0]!), /app is null/);
  });
});
