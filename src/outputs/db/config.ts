// Keys every database output has: batching, the spool, reconnecting and retention.

import { bool, int, str } from '../../config/schema.js';
import type { SpecValue } from '../../config/schema.js';

export const dbOutputSpec = {
  batch_max_rows: int(10_000, 'Most rows written in one transaction (under load batches grow to this; bigger batches write faster).', { min: 1, max: 1_000_000 }),
  flush_interval_ms: int(200, 'Rows are written when batch_max_rows are waiting or this long after the first one; 0 = at once.', { min: 0, max: 60_000 }),
  memory_max_rows: int(50_000, 'Rows kept in memory while the database is down or behind; past this they move to the spool.', { min: 1 }),
  spool_dir: str('', 'Directory of the on-disk queue, relative to state_dir; empty = spool/<output name>.'),
  spool_max_bytes: int(1024 * 1024 * 1024, 'Most bytes the spool holds; rows that do not fit are discarded and counted (discarded.spool_full) and the paniclog says so.', { min: 4096 }),
  retry_min_ms: int(500, 'First wait before reconnecting after a failure; doubles on each failure.', { min: 10 }),
  retry_max_ms: int(30_000, 'Longest wait between reconnects.', { min: 10 }),
  max_age_days: int(0, 'Rows older than this are deleted, a few thousand at a time, every minute; 0 = keep everything.', { min: 0, max: 36_500 }),
  emg_tables: bool(true, 'Also fill connectorlog, routelog and pdulog from the EMG lines recognised.'),
} as const;

export type DbOutputConfig = SpecValue<typeof dbOutputSpec>;
