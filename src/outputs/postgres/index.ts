// `postgres` output: records (and EMG's tables) in a PostgreSQL database, written with COPY, one
// transaction per batch. Connection keys left empty come from the standard PG* environment
// variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, ...), as for psql. A server that is
// down at start, or goes away later, never stops the daemon: rows wait in the spool and the
// output reconnects with backoff.

import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type pg from 'pg';
import type { Output, OutputContext } from '../../component.js';
import { int, oneOf, str } from '../../config/schema.js';
import type { SpecValue } from '../../config/schema.js';
import { PostgresStore, type PostgresOptions } from '../../db/postgres.js';
import { DbOutput, dbOutputSpec } from '../db/index.js';

export const postgresOutputSpec = {
  host: str('', 'Server host name, IP address or unix socket directory; empty = PGHOST (else localhost).'),
  port: int(0, 'Server port; 0 = PGPORT (else 5432).', { min: 0, max: 65535 }),
  user: str('', 'Role to connect as; empty = PGUSER (else the user the daemon runs as).'),
  password_file: str('', 'File holding the password (its first line), readable by the daemon only; empty = PGPASSWORD, else no password.'),
  database: str('', 'Database; empty = PGDATABASE (else the user name). It must exist; the tables are created.'),
  ssl: oneOf(['disable', 'require', 'verify-ca', 'verify-full'], 'disable',
    'TLS to the server: disable; require (encrypt, do not check the certificate); verify-ca (check it against ssl_ca_file); verify-full (also the host name).'),
  ssl_ca_file: str('', 'CA certificate(s) (PEM) for verify-ca and verify-full; empty = the system CAs.'),
  connect_timeout_ms: int(5000, 'Longest a connection attempt may take.', { min: 100, max: 600_000 }),
  statement_timeout_ms: int(60_000, 'Longest the server may take over one batch before it is cancelled and retried; 0 = no limit.', { min: 0 }),
  ...dbOutputSpec,
} as const;

export type PostgresOutputConfig = SpecValue<typeof postgresOutputSpec>;

export function checkPostgresOutput(config: PostgresOutputConfig): [string, string][] {
  const problems: [string, string][] = [];
  if (config.ssl_ca_file && config.ssl !== 'verify-ca' && config.ssl !== 'verify-full') {
    problems.push(['ssl_ca_file', 'only used with ssl = verify-ca or verify-full']);
  }
  return problems;
}

function tlsOptions(config: PostgresOutputConfig): ConnectionOptions | false {
  if (config.ssl === 'disable') return false;
  const ca = config.ssl_ca_file ? readFileSync(config.ssl_ca_file, 'utf8') : undefined;
  if (config.ssl === 'require') return { rejectUnauthorized: false };
  return {
    rejectUnauthorized: true,
    ...(ca !== undefined ? { ca } : {}),
    ...(config.ssl === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
  };
}

/** The connection a section describes; keys left empty are left to the PG* variables. */
export function postgresConnection(config: PostgresOutputConfig): pg.ClientConfig {
  const c: pg.ClientConfig = {};
  if (config.host) c.host = config.host;
  if (config.port) c.port = config.port;
  if (config.user) c.user = config.user;
  if (config.database) c.database = config.database;
  if (config.password_file) c.password = readFileSync(config.password_file, 'utf8').split('\n')[0]!;
  const tls = tlsOptions(config);
  if (tls !== false) c.ssl = tls;
  return c;
}

export function postgresStoreFor(config: PostgresOutputConfig, more: Pick<PostgresOptions, 'buildIndexes' | 'migrate' | 'warn'> = {}): PostgresStore {
  return new PostgresStore({
    connection: postgresConnection(config),
    connectTimeoutMs: config.connect_timeout_ms,
    ...(config.statement_timeout_ms > 0 ? { statementTimeoutMs: config.statement_timeout_ms } : {}),
    ...more,
  });
}

export function createPostgresOutput(config: PostgresOutputConfig, ctx: OutputContext): Output {
  const warn = (message: string) => ctx.log.warning(`output.${ctx.id}: ${message}`);
  return new DbOutput(config, ctx, { mustOpenAtStart: false, makeStore: () => postgresStoreFor(config, { warn }) });
}
