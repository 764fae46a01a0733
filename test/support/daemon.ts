// Runs the built daemon (dist/) as a child process with a generated config in a temp dir, on
// ports chosen by the kernel (port = 0 + port_file), the way rsyslog's own tests do.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DAEMON_JS = path.join(ROOT, 'dist/cli/maillogd.js');

export interface RunningDaemon {
  readonly dir: string;
  readonly logRoot: string;
  readonly proc: ChildProcess;
  /** Bound port of each input that has `port_file = {PORT:name}` in its section. */
  readonly ports: Record<string, number>;
  stderr(): string;
  stdout(): string;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  read(file: string): string;
}

export function tempDir(prefix = 'maillogd-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Starts the daemon. In `ini`, `{ROOT}` is the log root and `{PORT:name}` becomes a port_file
 * for that input (use together with `port = 0`).
 */
export async function startDaemon(ini: string, opts: { args?: string[]; env?: NodeJS.ProcessEnv; dir?: string } = {}): Promise<RunningDaemon> {
  if (!existsSync(DAEMON_JS)) throw new Error(`${DAEMON_JS} missing: run npm run build first`);
  const dir = opts.dir ?? tempDir();
  const logRoot = path.join(dir, 'log');
  mkdirSync(logRoot, { recursive: true });
  const portNames: string[] = [];
  const text = ini
    .replaceAll('{ROOT}', logRoot)
    .replaceAll('{DIR}', dir)
    .replace(/\{PORT:([A-Za-z0-9_-]+)\}/g, (_m, name: string) => {
      portNames.push(name);
      return path.join(dir, `port.${name}`);
    });
  const conf = path.join(dir, 'maillogd.ini');
  writeFileSync(conf, `[daemon]\nlog_root = ${logRoot}\nstate_dir = ${path.join(dir, 'state')}\n` +
    `control_socket = ${path.join(dir, 'control.sock')}\n${text}`);
  const proc = spawn(process.execPath, [DAEMON_JS, '--config', conf, ...(opts.args ?? [])], {
    cwd: dir, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  proc.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  proc.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => { done = true; });
  const ports: Record<string, number> = {};
  await waitFor('daemon to start', () => {
    if (done) throw new Error(`daemon exited during start: ${err}`);
    return err.includes(': started:');
  }, 20_000);
  for (const name of portNames) ports[name] = Number(readFileSync(path.join(dir, `port.${name}`), 'utf8').trim());
  return {
    dir, logRoot, proc, ports,
    stderr: () => err,
    stdout: () => out,
    read: (file) => readFileSync(path.join(logRoot, file), 'utf8'),
    async stop() {
      if (!done) proc.kill('SIGTERM');
      return exited;
    },
  };
}

/** Lines of a file, without the trailing empty one; [] when it does not exist yet. */
export function lines(file: string): string[] {
  if (!existsSync(file)) return [];
  const t = readFileSync(file, 'utf8');
  return t === '' ? [] : t.replace(/\n$/, '').split('\n');
}
