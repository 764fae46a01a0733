// The calls a SQLite store makes of its connection, as data: what the store posts to the SQLite
// thread (sqlite-worker.ts), or runs in place for a read-only store. One call, one answer; a
// failure is a StoreError (transient or not) on either side.

import type { RecordQuery, StoredRecord } from './query.js';
import type { ColumnBatch } from './sqlite-batch.js';
import { storeError, type SqliteFile, type Table } from './sqlite-file.js';

export type Call =
  | { readonly op: 'open' }
  | { readonly op: 'insert'; readonly batch: ColumnBatch }
  | { readonly op: 'prune'; readonly beforeUs: number; readonly limit: number }
  | { readonly op: 'query' | 'explain'; readonly query: RecordQuery }
  | { readonly op: 'version' }
  | { readonly op: 'count'; readonly table: Table }
  | { readonly op: 'close' };

export type Answer = { from: number; to: number } | StoredRecord[] | string | number | undefined;

/** Runs one call on the connection; throws a StoreError. */
export function perform(file: SqliteFile, c: Call): Answer {
  try {
    switch (c.op) {
      case 'open': return file.open();
      case 'insert':
        file.insert(c.batch);
        return undefined;
      case 'prune': return file.prune(c.beforeUs, c.limit);
      case 'query': return file.query(c.query);
      case 'explain': return file.explain(c.query);
      case 'version': return file.version();
      case 'count': return file.count(c.table);
      case 'close':
        file.close();
        return undefined;
    }
  } catch (err) {
    throw storeError(err, c.op === 'version' ? 'schema version' : c.op);
  }
}
