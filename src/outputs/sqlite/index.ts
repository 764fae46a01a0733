// `sqlite` output: records (and EMG's tables) in one SQLite file, the embedded default, or in
// `writers` files written side by side (sqlite.ts). The file
// lives under state_dir; it is opened at start, and a file that cannot be opened stops the start
// with a clear error. After that, a locked or failing file makes rows wait in the spool.

import path from 'node:path';
import type { Output, OutputContext } from '../../component.js';
import { int, oneOf, str } from '../../config/schema.js';
import type { SpecValue } from '../../config/schema.js';
import { SqliteStore } from '../../db/sqlite.js';
import { DbOutput, dbOutputSpec } from '../db/index.js';

export const sqliteOutputSpec = {
  path: str('maillogd.db', 'Database file, relative to state_dir. Its directory is created.', { nonEmpty: true }),
  synchronous: oneOf(['normal', 'full'], 'normal', 'normal: a committed batch survives a crash of the daemon (WAL); full: also a power loss (fsync per batch, slower).'),
  writers: int(1, 'Files written side by side, each by a thread of its own: the first at path, the others beside it as maillogd.<k>.db. maillogctl reads them all.', { min: 1, max: 8 }),
  busy_timeout_ms: int(1000, 'How long a write waits for another process holding the database (a long query) before the rows go to the spool.', { min: 0, max: 600_000 }),
  ...dbOutputSpec,
} as const;

export type SqliteOutputConfig = SpecValue<typeof sqliteOutputSpec>;

/** The store an output section names; `readonly` for maillogctl, which only reads. */
export function sqliteStoreFor(config: SqliteOutputConfig, stateDir: string, readonly = false, warn?: (message: string) => void): SqliteStore {
  return new SqliteStore({
    path: path.resolve(stateDir, config.path), busyTimeoutMs: config.busy_timeout_ms, synchronous: config.synchronous, readonly,
    writers: config.writers,
  }, warn);
}

export function createSqliteOutput(config: SqliteOutputConfig, ctx: OutputContext): Output {
  const warn = (message: string) => ctx.log.warning(`output.${ctx.id}: ${message}`);
  return new DbOutput(config, ctx, { mustOpenAtStart: true, makeStore: () => sqliteStoreFor(config, ctx.stateDir, false, warn) });
}
