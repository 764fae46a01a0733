// A PostgreSQL server stopped for 60 s while 100,000 numbered records flow: the file output keeps
// writing the whole time, the rows wait in the spool, and once the server is back every number
// is in the database. Real daemon, real PostgreSQL, real TCP sender.

import assert from 'node:assert/strict';
import path from 'node:path';
import pg from 'pg';
import { lines, startDaemon, type RunningDaemon } from './support/daemon.js';
import { feedTcp, numberOf, numberedText } from './support/feed.js';
import { startPostgres, type PgServer } from './support/postgres.js';
import { waitFor } from './support/wait.js';

const COUNT = 100_000;
const OUTAGE_MS = 60_000;

describe('postgres output through a 60 s outage', function () {
  this.timeout(240_000);
  let server: PgServer;
  let daemon: RunningDaemon | null = null;

  before(async () => {
    server = await startPostgres();
    await server.createDatabase('maillogd');
  });
  after(async () => {
    await daemon?.stop();
    await server.destroy();
  });

  it('loses nothing and never holds up the file output', async () => {
    daemon = await startDaemon(`
[input.tcp]
type = tcp
port = 0
port_file = {PORT:tcp}
[output.file]
type = file
path = all.log
[output.pg]
type = postgres
host = ${server.host}
port = ${server.port}
user = postgres
database = maillogd
retry_min_ms = 200
retry_max_ms = 2000
connect_timeout_ms = 1000
[rule.all]
outputs = file, pg
`);
    const file = path.join(daemon.logRoot, 'all.log');
    const client = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
      const c = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: 'maillogd' });
      await c.connect();
      try {
        return await fn(c);
      } finally {
        await c.end();
      }
    };
    const rows = () => client(async (c) => Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM records')).rows[0]!.n));
    const line = (i: number) => `<22>Nov 22 10:00:00 mx1 postfix/smtp[${i}]: ${numberedText(i)}\n`;

    // A first part with the server up, then the outage in the middle of the flow.
    await feedTcp(daemon.ports.tcp!, 20_000, line, 20_000);
    await waitFor('20,000 rows before the outage', async () => (await rows()) === 20_000, 30_000, 200);
    const stoppedAt = Date.now();
    await server.stop();
    const rest = COUNT - 20_000;
    await feedTcp(daemon.ports.tcp!, rest, (i) => line(i + 20_000), 4_000);
    await waitFor('every line in the file while the server is down', () => lines(file).length === COUNT, 30_000, 200);
    const fileDoneAfterMs = Date.now() - stoppedAt;
    assert.ok(fileDoneAfterMs < OUTAGE_MS, `the file output finished ${fileDoneAfterMs} ms into the outage`);
    assert.match(daemon.stderr(), /output\.pg: .*spool/);
    const wait = OUTAGE_MS - (Date.now() - stoppedAt);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await server.start();

    await waitFor(`${COUNT} rows after the server is back`, async () => (await rows()) >= COUNT, 120_000, 500);
    const found = await client(async (c) => (await c.query<{ message: string }>('SELECT message FROM records ORDER BY id')).rows);
    const seen = new Map<number, number>();
    for (const r of found) {
      const n = numberOf(r.message);
      assert.ok(n !== null, `unnumbered row: ${r.message}`);
      seen.set(n, (seen.get(n) ?? 0) + 1);
    }
    const missing: number[] = [];
    for (let i = 1; i <= COUNT; i++) if (!seen.has(i)) missing.push(i);
    const duplicates = [...seen.values()].filter((v) => v > 1).length;
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} numbers missing`);
    assert.equal(duplicates, 0, `${duplicates} numbers written twice`);
    assert.equal(found.length, COUNT);
    // In order: the spool drains before anything newer.
    const order = found.map((r) => numberOf(r.message)!);
    assert.ok(order.every((n, i) => i === 0 || n > order[i - 1]!), 'rows are in the order they were sent');
    const code = await daemon.stop();
    daemon = null;
    assert.equal(code, 0);
  });
});
