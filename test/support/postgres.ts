// A private PostgreSQL server for tests: the newest installed server binaries, a data directory
// made by initdb in a temporary directory, trust authentication on a free loopback port, fsync
// off. Run as the postgres user when we are root (the server refuses to run as root). Stopped
// and removed by `destroy()`, or at the latest when the test process exits.

import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './net.js';

export interface PgServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** PGHOST, PGPORT, PGUSER and PGDATABASE for this server (as a child process would take them). */
  readonly env: Readonly<Record<'PGHOST' | 'PGPORT' | 'PGUSER' | 'PGDATABASE', string>>;
  /** `postgres://postgres@127.0.0.1:port/postgres` */
  readonly url: string;
  /** The postmaster's pid while it runs, else 0. */
  readonly pid: number;
  /** The temporary directory that holds the data directory, the socket and `pg.log`. */
  readonly dir: string;
  /** The server's self-signed certificate (PEM) when started with `tls`, else ''. */
  readonly certFile: string;
  createDatabase(name: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  /** Stops the server (fast shutdown: open connections are ended); the data directory stays. */
  stop(): Promise<void>;
  /** Starts it again after `stop()`, on the same port and data directory. */
  start(): Promise<void>;
  /** Stops the server if it runs and removes its directory. */
  destroy(): Promise<void>;
}

/** The bin directory of the newest PostgreSQL under /usr/lib/postgresql, or null. */
export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(path.join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0]!, 'bin') : null;
}

interface Account {
  readonly uid: number;
  readonly gid: number;
  /** Prefix for commands: `runuser -u postgres --` as root, nothing otherwise. */
  readonly as: readonly string[];
}

function account(): Account {
  if (process.getuid?.() !== 0) return { uid: -1, gid: -1, as: [] };
  const id = (flag: string) => {
    const r = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error('running as root, but there is no postgres user to run the server as');
    return Number(r.stdout.trim());
  };
  return { uid: id('-u'), gid: id('-g'), as: ['runuser', '-u', 'postgres', '--'] };
}

function run(argv: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${argv.join(' ')}: ${err.message.trim()}\n${stdout}${stderr}`.trim()));
      else resolve(stdout);
    });
  });
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const quote = (name: string) => pg.escapeIdentifier(name);

// Servers a test left running, stopped and removed when the process exits.
const running = new Set<() => void>();
process.once('exit', () => { for (const cleanUp of running) cleanUp(); });

export interface PgServerOptions {
  /** Serve TLS too, with a self-signed certificate for 127.0.0.1 (its PEM is `PgServer.certFile`). */
  readonly tls?: boolean;
}

export async function startPostgres(options: PgServerOptions = {}): Promise<PgServer> {
  const bin = postgresBin();
  if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)');
  const who = account();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maillogd-pg-'));
  const data = path.join(dir, 'data');
  const sock = path.join(dir, 'run');
  const log = path.join(sock, 'pg.log');
  mkdirSync(data, { mode: 0o700 });
  mkdirSync(sock, { mode: 0o700 });
  if (who.uid >= 0) for (const d of [dir, data, sock]) chownSync(d, who.uid, who.gid);
  const certFile = path.join(sock, 'server.crt');
  const keyFile = path.join(sock, 'server.key');
  if (options.tls) {
    await run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], 30_000);
    chmodSync(keyFile, 0o600);
    if (who.uid >= 0) for (const f of [certFile, keyFile]) chownSync(f, who.uid, who.gid);
  }

  const pgCtl = (...args: string[]) => [...who.as, path.join(bin, 'pg_ctl'), '-D', data, ...args];
  let port = 0;
  let pid = 0;

  const readPid = () => {
    try {
      return Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]) || 0;
    } catch {
      return 0;
    }
  };
  const startOn = async (p: number) => {
    const tls = options.tls ? ` -c ssl=on -c ssl_cert_file=${certFile} -c ssl_key_file=${keyFile}` : '';
    const opts = `-c listen_addresses=127.0.0.1 -p ${p} -k ${sock} -c fsync=off -c full_page_writes=off${tls}`;
    try {
      await run(pgCtl('-o', opts, '-l', log, '-w', '-t', '60', 'start'), 90_000);
    } catch (err) {
      throw new Error(`PostgreSQL did not start on port ${p}: ${(err as Error).message}\n--- ${log}:\n${tail(log)}`, { cause: err });
    }
    pid = readPid();
  };
  const stopNow = () => {
    if (!existsSync(path.join(data, 'postmaster.pid'))) return;
    const [cmd, ...args] = pgCtl('-m', 'immediate', '-w', 'stop');
    spawnSync(cmd!, args, { stdio: 'ignore' });
    pid = 0;
  };
  const cleanUp = () => {
    stopNow();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await run([...who.as, path.join(bin, 'initdb'), '-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '-N'], 60_000);
    // The port is free when we look; another process may take it before the server binds it.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await startOn(port);
        break;
      } catch (err) {
        if (attempt >= 3 || !/could not bind|already in use/i.test((err as Error).message)) throw err;
      }
    }
  } catch (err) {
    cleanUp();
    throw err;
  }
  running.add(cleanUp);

  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };

  const server: PgServer = {
    host: '127.0.0.1',
    get port() { return port; },
    get env() { return { PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'postgres', PGDATABASE: 'postgres' }; },
    get url() { return `postgres://postgres@127.0.0.1:${port}/postgres`; },
    get pid() { return pid; },
    dir,
    certFile: options.tls ? certFile : '',
    createDatabase: (name) => admin(async (c) => { await c.query(`CREATE DATABASE ${quote(name)}`); }),
    dropDatabase: (name) => admin(async (c) => { await c.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`); }),
    async stop() {
      if (!pid) return;
      await run(pgCtl('-m', 'fast', '-w', 'stop'), 60_000);
      pid = 0;
    },
    async start() {
      if (pid) return;
      await startOn(port);
    },
    async destroy() {
      running.delete(cleanUp);
      try {
        await server.stop();
      } finally {
        cleanUp();
      }
    },
  };
  return server;
}
