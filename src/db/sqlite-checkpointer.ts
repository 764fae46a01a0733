// The SQLite file's checkpoints, on a thread of their own. A checkpoint copies the pages the WAL
// holds back into the file and fsyncs both; on the thread that writes, it held up the batch whose
// commit set it off for as long as that took (bench/README.md, "A thread for the checkpoints").
// Here a second connection runs a PASSIVE checkpoint every CHECKPOINT_EVERY_MS: it never waits for
// a lock and never stops the writer, which goes on appending to the WAL meanwhile. The writer
// keeps a checkpoint of its own for when the WAL reaches its bound (sqlite-file.ts): it then has
// little left to copy, and it is what lets the WAL start again from its beginning. Started and
// stopped by the writer's SqliteFile.

import { parentPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { lazy } from '../util/lazy.js';

export interface CheckpointerOptions {
  readonly path: string;
  readonly everyMs: number;
}

/** What the writer hears from this thread: a failure other than another checkpoint running. */
export interface CheckpointerMessage {
  readonly warn: string;
}

const sqliteLib = lazy<typeof Database>('better-sqlite3');
const port = parentPort!;
const { path, everyMs } = workerData as CheckpointerOptions;
let said = '';

const say = (message: string): void => {
  if (message === said) return;
  said = message;
  port.postMessage({ warn: message } satisfies CheckpointerMessage);
};

let db: Database.Database | null = null;
try {
  db = new (sqliteLib())(path, { fileMustExist: true });
  db.pragma('busy_timeout = 0');
} catch (err) {
  say(`sqlite: checkpoints: cannot open ${path}: ${(err as Error).message}; the writer makes them`);
}

const timer = setInterval(() => {
  if (!db) return;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    said = '';
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    // The writer's own checkpoint, or another process's, is running: the next turn will do.
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return;
    say(`sqlite: checkpoint of ${path}: ${(err as Error).message}${typeof code === 'string' ? ` (${code})` : ''}`);
  }
}, everyMs);

port.on('message', (m: unknown) => {
  if (m !== 'close') return;
  clearInterval(timer);
  try {
    db?.close();
  } finally {
    port.close();
  }
});
