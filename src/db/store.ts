// The contract both databases keep. A store is one connection (or one file handle); the output
// that owns it decides when to retry. Every method may throw a StoreError, whose `transient` says
// whether the same call can succeed later (server down, file locked, disk full) or never will
// (a row the database refuses): the output retries the first and sets the second aside.

import type { RecordQuery, StoredRecord } from './query.js';
import type { RowBatch } from './rows.js';

export class StoreError extends Error {
  constructor(message: string, readonly transient: boolean) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Where it is, for logs: a file path or `host:port/db` (never a password). */
  readonly where: string;
  /** How many inserts it takes at once to keep its writers busy (each is still one transaction). */
  readonly lanes: number;
  /** Opens or connects, then applies every pending migration. Returns the versions. */
  open(): Promise<{ from: number; to: number }>;
  /** Writes every row of the batch in one transaction: all of it or none. */
  insert(batch: RowBatch): Promise<void>;
  /** Deletes up to `limit` rows older than `beforeUs` from each table; returns how many went. */
  prune(beforeUs: number, limit: number): Promise<number>;
  query(q: RecordQuery): Promise<StoredRecord[]>;
  /** The plan the database would use for `q`, as text (EXPLAIN). */
  explain(q: RecordQuery): Promise<string>;
  /** The schema version the database is at (0: empty). */
  schemaVersion(): Promise<number>;
  /** Rows in a table (for stats and tests). */
  count(table: 'records' | 'connectorlog' | 'routelog' | 'pdulog'): Promise<number>;
  close(): Promise<void>;
}
