// A private rsyslogd for tests: started in the foreground from a generated config, with its own
// work directory, pid file and ports (port 0 + listenPortFileName), stopped by its pid.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from './wait.js';

export const RSYSLOGD = '/usr/sbin/rsyslogd';

export function haveRsyslog(): boolean {
  return spawnSync(RSYSLOGD, ['-v']).status === 0;
}

/** True when rsyslog's module `name` (imrelp.so, lmnsd_gtls.so, ...) is installed. */
export function haveRsyslogModule(name: string): boolean {
  return ['/usr/lib/x86_64-linux-gnu/rsyslog', '/usr/lib/aarch64-linux-gnu/rsyslog', '/usr/lib/rsyslog']
    .some((d) => existsSync(path.join(d, name)));
}

export interface Rsyslog {
  readonly proc: ChildProcess;
  /** Port of its imtcp input (where the test feeds messages). */
  readonly port: number;
  stop(): Promise<void>;
  stderr(): string;
}

/**
 * `rulesetBody` is the body of the ruleset the imtcp input is bound to (e.g. one omfwd action);
 * `preamble` goes before it (module loads).
 */
export async function startRsyslog(dir: string, rulesetBody: string, preamble = ''): Promise<Rsyslog> {
  const portFile = path.join(dir, 'rsyslog.port');
  const conf = path.join(dir, 'rsyslog.conf');
  writeFileSync(conf, `
global(workDirectory="${dir}" maxMessageSize="64k")
module(load="imtcp" maxSessions="10")
${preamble}
input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName="${portFile}" ruleset="feed")
ruleset(name="feed" queue.type="LinkedList" queue.size="300000") {
${rulesetBody}
}
`);
  const proc = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', path.join(dir, 'rsyslog.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  proc.stdout.on('data', (d: Buffer) => { err += d.toString(); });
  let exited = false;
  const done = new Promise<void>((resolve) => proc.on('exit', () => { exited = true; resolve(); }));
  const port = await waitFor('rsyslogd to listen', () => {
    if (exited) throw new Error(`rsyslogd exited: ${err}`);
    try { return Number(readFileSync(portFile, 'utf8').trim()) || null; } catch { return null; }
  }, 20_000);
  return {
    proc, port,
    stderr: () => err,
    async stop() {
      if (!exited) proc.kill('SIGTERM');
      await done;
    },
  };
}
