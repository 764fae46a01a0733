// One transaction on a node-pg connection: BEGIN, the work, COMMIT. If the work or the commit
// fails, ROLLBACK (its own failure ignored: the connection may be gone) and the error goes on.

import type pg from 'pg';

export async function transaction<T>(c: pg.Client, fn: () => Promise<T>): Promise<T> {
  await c.query('BEGIN');
  try {
    const result = await fn();
    await c.query('COMMIT');
    return result;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
