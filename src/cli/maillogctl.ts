#!/usr/bin/env node
// maillogctl: talks to a running daemon over its control socket (status, stats, reopen,
// check-config) and asks the database outputs what happened: `query` lists records by time, host,
// app, severity, message id and text; `trace` lists every record of one mail message in time order.
// Exit codes follow sysexits: 0 ok (trace: 1 when the id is unknown; check-config: 1 when the
// files on disk have problems), 64 usage, 69 daemon or database unavailable, 77 permission
// denied, 78 bad config.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatProblem, type ConfigProblem } from '../config/schema.js';
import { loadConfig } from '../config/validate.js';
import type { RecordQuery, StoredRecord } from '../db/query.js';
import { SqliteStore } from '../db/sqlite.js';
import type { Store } from '../db/store.js';
import { parseSeverity } from '../levels/syslog.js';
import { postgresStoreFor, type PostgresOutputConfig } from '../outputs/postgres/index.js';
import { sqliteStoreFor, type SqliteOutputConfig } from '../outputs/sqlite/index.js';
import { VERSION } from '../version.js';
import { controlRequest, type ControlReply } from '../daemon/control.js';
import { journalCommand } from '../journal/cli.js';
import { jsonLine, parseWhen, syslogLine, tableLines } from './query.js';

const USAGE = `usage: maillogctl [--config FILE] [--socket PATH] [--output NAME | --db FILE] COMMAND ...

commands for the running daemon (over its control socket):
  status          pid, version, uptime, config files, inputs and outputs
  stats           every counter  [--format table|json]
  reopen          close and reopen every log file (after moving them away)
  check-config    the daemon checks its config files as they are on disk now

commands for a journal directory (what jlogctl did):
  journal DIR list|subscribers|add NAME [--from begin|end]|remove NAME|tail [-n N] [--follow]|stats

commands for the database outputs:
  query [--since T] [--until T] [--host H] [--app A] [--severity S] [--msgid ID]
        [--grep TEXT] [--format table|json|raw] [--limit N] [--first]
        records matching every filter given; the last N (default 100), oldest first
        (--first: the first N instead). H and A may be globs (postfix/*).
        T: now, today, yesterday, 15m, 2h, 3d (ago), 2026-11-22, 2026-11-22 10:00,
        or ISO 8601 with a zone. S: a severity name or 0-7; that one and more severe.
  trace MSGID [--format table|json|raw]
        every record of one message (its mail id or RFC 5424 MSGID) in time order;
        exit 1 if there is none

where the daemon is:
  --socket PATH   its control socket (default: [daemon] control_socket of --config,
                  /run/maillogd/control.sock for the packaged config)

where the records are:
  --config FILE   the daemon's configuration (default: the embedded one, run from
                  the same directory as the daemon); its first sqlite or postgres
                  output is read (PostgreSQL keys left empty come from PG* variables)
  --output NAME   which database output of the config (default: the first one)
  --db FILE       a SQLite database file, instead of a config
`;

class UsageError extends Error {}
class Unavailable extends Error {}
class ConfigError extends Error {}
class NoPermission extends Error {}

type Format = 'table' | 'json' | 'raw';

function formatOf(text: string | undefined): Format {
  const f = text ?? 'table';
  if (f !== 'table' && f !== 'json' && f !== 'raw') throw new UsageError(`--format: expected table, json or raw, got ${JSON.stringify(f)}`);
  return f;
}

function print(rows: readonly StoredRecord[], format: Format): void {
  const lines = format === 'json' ? rows.map(jsonLine) : format === 'raw' ? rows.map(syslogLine) : rows.length ? tableLines(rows) : [];
  if (lines.length) process.stdout.write(lines.join('\n') + '\n');
}

/** The store named by --db, or by the config's database output. */
function storeFrom(opts: { config?: string; output?: string; db?: string }): Store {
  if (opts.db !== undefined) {
    if (!existsSync(opts.db)) throw new Unavailable(`no database at ${opts.db}`);
    return new SqliteStore({ path: path.resolve(opts.db), busyTimeoutMs: 5000, synchronous: 'normal', readonly: true });
  }
  const problems: ConfigProblem[] = [];
  const config = loadConfig(opts.config ?? null, problems);
  if (problems.length) throw new ConfigError(problems.map((p) => `config: ${formatProblem(p)}`).join('\n'));
  const dbOutputs = config.outputs.filter((o) => o.type === 'sqlite' || o.type === 'postgres');
  const chosen = opts.output === undefined ? dbOutputs[0] : config.outputs.find((o) => o.name === opts.output);
  if (!chosen) {
    throw new UsageError(opts.output === undefined
      ? `${config.files[0]} has no sqlite or postgres output`
      : `${config.files[0]} has no output named ${opts.output}`);
  }
  if (chosen.type === 'postgres') return postgresStoreFor(chosen.config as unknown as PostgresOutputConfig, { buildIndexes: false, migrate: false });
  if (chosen.type !== 'sqlite') throw new UsageError(`output.${chosen.name} is a ${chosen.type} output, not a database`);
  const store = sqliteStoreFor(chosen.config as unknown as SqliteOutputConfig, config.daemon.state_dir, true);
  if (!existsSync(store.where)) throw new Unavailable(`no database at ${store.where} (has the daemon run with output.${chosen.name}?)`);
  return store;
}


const COMMON = {
  config: { type: 'string', short: 'c' },
  output: { type: 'string' },
  db: { type: 'string' },
  socket: { type: 'string', short: 's' },
  format: { type: 'string', short: 'f' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args: argv,
    options: {
      ...COMMON,
      since: { type: 'string' }, until: { type: 'string' }, host: { type: 'string' }, app: { type: 'string' },
      severity: { type: 'string' }, msgid: { type: 'string' }, grep: { type: 'string' }, limit: { type: 'string', short: 'n' },
      first: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (v.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (v.version) {
    process.stdout.write(`maillogctl ${VERSION}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (command === undefined) throw new UsageError('a command is needed');
  const format = formatOf(v.format);
  if (command === 'status' || command === 'stats' || command === 'reopen' || command === 'check-config') {
    if (rest.length) throw new UsageError(`${command} takes no arguments`);
    return control(command, socketFrom(v), format);
  }
  let query: RecordQuery;
  if (command === 'query') {
    if (rest.length) throw new UsageError(`query takes no arguments, got ${JSON.stringify(rest.join(' '))}`);
    const when = (name: 'since' | 'until'): number | undefined => {
      const t = v[name];
      if (t === undefined) return undefined;
      const us = parseWhen(t);
      if (us === null) throw new UsageError(`--${name}: cannot read ${JSON.stringify(t)} as a time`);
      return us;
    };
    let maxSeverity: number | undefined;
    if (v.severity !== undefined) {
      const s = parseSeverity(v.severity);
      if (s === null) throw new UsageError(`--severity: unknown severity ${JSON.stringify(v.severity)}`);
      maxSeverity = s;
    }
    const limit = v.limit === undefined ? 100 : Number(v.limit);
    if (!Number.isSafeInteger(limit) || limit < 1) throw new UsageError('--limit: expected a positive integer');
    query = {
      sinceUs: when('since'), untilUs: when('until'), host: v.host, app: v.app, maxSeverity, msgid: v.msgid, grep: v.grep,
      limit, from: v.first ? 'oldest' : 'newest',
    };
  } else if (command === 'trace') {
    if (rest.length !== 1) throw new UsageError('trace takes one message id');
    query = { msgid: rest[0]!, limit: 1_000_000, from: 'oldest' };
  } else {
    throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
  const store = storeFrom(v);
  try {
    await store.open();
  } catch (err) {
    throw new Unavailable((err as Error).message);
  }
  try {
    const rows = await store.query(query);
    print(rows, format);
    return command === 'trace' && rows.length === 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}

/** The control socket: --socket, else the config's [daemon] control_socket. */
function socketFrom(opts: { config?: string; socket?: string }): string {
  if (opts.socket !== undefined) return path.resolve(opts.socket);
  const problems: ConfigProblem[] = [];
  const config = loadConfig(opts.config ?? null, problems);
  if (problems.length) throw new ConfigError(problems.map((p) => `config: ${formatProblem(p)}`).join('\n'));
  if (!config.daemon.control_socket) throw new UsageError(`${config.files[0]} sets no control_socket; give --socket`);
  return config.daemon.control_socket;
}

async function control(cmd: string, socket: string, format: Format): Promise<number> {
  let reply: ControlReply;
  try {
    reply = await controlRequest(socket, cmd);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ECONNREFUSED') throw new Unavailable(`maillogd is not running (nothing answers on ${socket})`);
    if (code === 'EACCES' || code === 'EPERM') {
      throw new NoPermission(`permission denied on ${socket}: run as root or as a member of the socket's group (maillogd)`);
    }
    throw new Unavailable(`${socket}: ${(err as Error).message}`);
  }
  if (!reply.ok) throw new Error(`the daemon says: ${reply.error}`);
  const r = reply as Record<string, unknown>;
  const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  if (format === 'json') {
    out(JSON.stringify(r));
    return cmd === 'check-config' && (r.problems as unknown[]).length ? 1 : 0;
  }
  switch (cmd) {
    case 'status':
      out([
        `maillogd ${String(r.version)}, pid ${String(r.pid)}, up ${String(r.uptime_secs)} s (since ${String(r.started)})${r.stopping ? ', stopping' : ''}`,
        `config: ${(r.config as string[]).join(', ')}`,
        `inputs: ${(r.inputs as string[]).join(', ')}`,
        `outputs: ${(r.outputs as string[]).join(', ')}`,
      ].join('\n'));
      return 0;
    case 'stats': {
      const rows = (r.counters as { component: string; name: string; reason: string; value: number }[])
        .map((c) => [c.component, c.reason ? `${c.name}.${c.reason}` : c.name, String(c.value)]);
      const w = [0, 1].map((i) => Math.max(0, ...rows.map((row) => row[i]!.length)));
      out(rows.map((row) => `${row[0]!.padEnd(w[0]!)}  ${row[1]!.padEnd(w[1]!)}  ${row[2]!}`).join('\n'));
      return 0;
    }
    case 'reopen':
      out('files reopened');
      return 0;
    default: {
      const problems = r.problems as string[];
      if (problems.length === 0) {
        out(`configuration OK (${(r.files as string[]).join(', ')})`);
        return 0;
      }
      out(problems.join('\n'));
      return 1;
    }
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'journal') return journalCommand(argv.slice(1), (line) => process.stdout.write(line + '\n'));
  try {
    return await run(argv);
  } catch (err) {
    const e = err as Error;
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`maillogctl: ${e.message}\n${USAGE}`);
      return 64;
    }
    process.stderr.write(`maillogctl: ${e.message}\n`);
    if (e instanceof ConfigError) return 78;
    if (e instanceof NoPermission) return 77;
    if (e instanceof Unavailable) return 69;
    return 70;
  }
}

process.exitCode = await main(process.argv.slice(2));
