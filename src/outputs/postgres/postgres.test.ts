import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startPostgres, type PgServer } from '../../../test/support/postgres.js';
import { parse } from '../../syslog/syslog.testkit.js';
import { waitFor } from '../../../test/support/wait.js';
import { outputEnv, validConfig, type OutputEnv } from '../output.testkit.js';
import { createPostgresOutput, postgresOutputSpec } from './index.js';
import type { Output } from '../../component.js';

describe('postgres output', function () {
  this.timeout(60_000);
  let server: PgServer;
  let env: OutputEnv;
  let out: Output | null = null;
  let db = '';
  let n = 0;

  before(async () => { server = await startPostgres({ tls: true }); });
  after(async () => { await server.destroy(); });
  beforeEach(async () => {
    env = outputEnv('pg', 'pgout');
    db = `out${n++}`;
    await server.createDatabase(db);
  });
  afterEach(async () => {
    await out?.close();
    out = null;
    fs.rmSync(env.base, { recursive: true, force: true });
  });

  const make = (keys: Record<string, unknown>): Output => {
    out = createPostgresOutput(validConfig(postgresOutputSpec, {
      host: server.host, port: server.port, user: 'postgres', database: db, flush_interval_ms: 0,
      retry_min_ms: 50, retry_max_ms: 200, connect_timeout_ms: 2000, ...keys,
    }, 'output.pg'), env.ctx);
    return out;
  };
  const query = async (sql: string) => {
    const c = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: db });
    await c.connect();
    try {
      return (await c.query(sql)).rows as Record<string, unknown>[];
    } finally {
      await c.end();
    }
  };
  const recs = (k: number) => Array.from({ length: k }, (_, i) => parse(`<22>Nov 22 10:00:00 mx1 postfix/smtp[${i}]: ABC${i}0001: status=sent`));

  it('writes over TLS, checking the server against the CA and its name (verify-full)', async () => {
    const o = make({ ssl: 'verify-full', ssl_ca_file: server.certFile });
    await o.open();
    o.write(recs(50));
    await o.flush();
    const rows = await query('SELECT count(*)::int AS n FROM records');
    assert.equal(rows[0]!.n, 50);
    assert.ok(env.messages.some((m) => /postgres 127\.0\.0\.1:\d+\/out\d+ open/.test(m)), env.messages.join('\n'));
    // The daemon's connections, the writer and the index builder, are encrypted: the server lists them in pg_stat_ssl.
    const ssl = () => query(`SELECT a.application_name AS app, s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) ` +
      `WHERE a.datname = '${db}' AND a.pid <> pg_backend_pid() ORDER BY 1`);
    await waitFor('the index builder connected', async () => (await ssl()).length === 2, 5000);
    assert.deepEqual(await ssl(), [{ app: 'maillogd', ssl: true }, { app: 'maillogd indexes', ssl: true }]);
  });

  it('does not connect to a server whose certificate the CA does not vouch for, and keeps the rows', async () => {
    const otherCa = path.join(env.base, 'other-ca.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(env.base, 'other.key'),
      '-out', otherCa, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const o = make({ ssl: 'verify-full', ssl_ca_file: otherCa });
    await o.open();
    o.write(recs(10));
    await o.flush();
    assert.ok(env.messages.some((m) => /warning: output\.pg: .*(certificate|self.signed)/i.test(m)), env.messages.join('\n'));
    assert.equal(env.counters.get('output.pg', 'spooled').value, 10);
    assert.equal((await query('SELECT count(*)::int AS n FROM pg_tables WHERE tablename = \'records\''))[0]!.n, 0);
  });

  it('starts while the server is unreachable, keeping the rows in the spool', async () => {
    const o = make({ port: 1 });
    await o.open();
    o.write(recs(5));
    await o.flush();
    assert.equal(env.counters.get('output.pg', 'spooled').value, 5);
    assert.ok(env.messages.some((m) => /rows wait in the spool until it answers/.test(m)));
  });

  it('takes connection settings from the PG* variables when the keys are empty', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { PGHOST: server.host, PGPORT: String(server.port), PGUSER: 'postgres', PGDATABASE: db });
    try {
      out = createPostgresOutput(validConfig(postgresOutputSpec, { flush_interval_ms: 0 }, 'output.pg'), env.ctx);
      await out.open();
      out.write(recs(3));
      await out.flush();
      assert.equal((await query('SELECT count(*)::int AS n FROM records'))[0]!.n, 3);
    } finally {
      for (const k of ['PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });
});
