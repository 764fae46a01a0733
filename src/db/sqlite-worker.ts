// The SQLite thread: owns one SqliteFile and answers the store's calls one at a time, in the order
// they were sent, so an insert, a prune and a query never interleave. Each reply carries the
// call's id; a failure carries the StoreError's message and whether it is transient. Once it has
// answered a call, it builds the indexes of a partition that call closed (sqlite-partitions.ts),
// and the calls that came meanwhile wait for that. After `close` the thread ends.

import { parentPort, workerData } from 'node:worker_threads';
import { perform, type Answer, type Call } from './sqlite-calls.js';
import { SqliteFile, type SqliteOptions } from './sqlite-file.js';
import { StoreError } from './store.js';

export type Request = Call & { readonly id: number };

export type Reply =
  | { readonly id: number; readonly ok: true; readonly value: Answer }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly transient: boolean }
  /** Not an answer: something the store should log (id 0). */
  | { readonly id: 0; readonly warn: string };

const port = parentPort!;
const file = new SqliteFile(workerData as SqliteOptions, (warn) => port.postMessage({ id: 0, warn } satisfies Reply));

port.on('message', (r: Request) => {
  if (r.op === 'close') {
    // The checkpoint thread's connection first, so that this one is the last and leaves no WAL.
    void file.stopCheckpoints().finally(() => answer(r));
    return;
  }
  answer(r);
});

function answer(r: Request): void {
  let reply: Reply;
  try {
    reply = { id: r.id, ok: true, value: perform(file, r) };
  } catch (err) {
    const e = err instanceof StoreError ? err : new StoreError(String(err), true);
    reply = { id: r.id, ok: false, message: e.message, transient: e.transient };
  }
  port.postMessage(reply);
  if (r.op === 'close') {
    port.close();
    return;
  }
  // Between calls: the indexes of a partition the last batch closed.
  file.buildIndexes();
}
