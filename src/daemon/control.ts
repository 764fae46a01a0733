// The control socket maillogctl talks to: a unix stream socket, one request per connection, one
// JSON line each way. Commands: status, stats, reopen (Momentum's `reopen logs`), check-config
// (the config files on disk, as --check-config would see them now). Who may connect is the
// socket's mode and group; the daemon trusts whoever can.
// A socket file left by a daemon that died is replaced; one a live daemon answers on is not.

import { chownSync, chmodSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { claimSocketPath } from '../util/unixsock.js';

export interface ControlRequest {
  readonly cmd: string;
}

export type ControlReply = { readonly ok: true; readonly [k: string]: unknown } | { readonly ok: false; readonly error: string };

export type ControlHandler = (req: ControlRequest) => Promise<ControlReply>;

export const CONTROL_COMMANDS = ['status', 'stats', 'reopen', 'check-config'] as const;

const MAX_REQUEST = 4096;

/** The gid of a group named in /etc/group, or null. */
export function groupId(name: string): number | null {
  if (/^\d+$/.test(name)) return Number(name);
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const [g, , gid] = line.split(':');
      if (g === name && gid !== undefined) return Number(gid);
    }
  } catch { /* no /etc/group: no such group */ }
  return null;
}

export class ControlServer {
  private server: net.Server | null = null;

  constructor(private readonly file: string, private readonly mode: number, private readonly group: string,
    private readonly handle: ControlHandler) {}

  async start(): Promise<void> {
    const gid = this.group ? groupId(this.group) : null;
    if (this.group && gid === null) throw new Error(`control socket: no group named ${this.group}`);
    await claimSocketPath(this.file).catch((err: Error) => {
      throw new Error(`control socket ${this.file}: ${err.message}`, { cause: err });
    });
    const server = net.createServer((sock) => this.serve(sock));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.file, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: Error) => {
      throw new Error(`control socket ${this.file}: ${err.message}`, { cause: err });
    });
    this.server = server;
    server.on('error', () => { /* an accept error ends that connection only */ });
    chmodSync(this.file, this.mode);
    if (gid !== null) chownSync(this.file, -1, gid);
  }

  private serve(sock: net.Socket): void {
    let buf = '';
    sock.setEncoding('utf8');
    sock.setTimeout(10_000, () => sock.destroy());
    sock.on('error', () => { /* the client went away */ });
    const reply = (r: ControlReply) => { if (!sock.destroyed) sock.end(JSON.stringify(r) + '\n'); };
    sock.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > MAX_REQUEST) {
        reply({ ok: false, error: 'request too long' });
        return;
      }
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      sock.removeAllListeners('data');
      let req: ControlRequest;
      try {
        const parsed = JSON.parse(buf.slice(0, nl)) as unknown;
        if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { cmd?: unknown }).cmd !== 'string') throw new Error('no cmd');
        req = parsed as ControlRequest;
      } catch {
        reply({ ok: false, error: 'expected one JSON line {"cmd": ...}' });
        return;
      }
      if (!(CONTROL_COMMANDS as readonly string[]).includes(req.cmd)) {
        reply({ ok: false, error: `unknown command ${JSON.stringify(req.cmd)}; known: ${CONTROL_COMMANDS.join(', ')}` });
        return;
      }
      this.handle(req).then(reply, (err: Error) => reply({ ok: false, error: err.message }));
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(this.file, { force: true });
  }
}

/** Sends one request to the daemon at `file`; rejects with the socket error (code ENOENT, EACCES, ...). */
export function controlRequest(file: string, cmd: string, timeoutMs = 30_000): Promise<ControlReply> {
  return new Promise((resolve, reject) => {
    const c = net.connect(file);
    let data = '';
    c.setEncoding('utf8');
    c.setTimeout(timeoutMs, () => c.destroy(Object.assign(new Error(`no answer from ${file} in ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    c.once('connect', () => c.write(JSON.stringify({ cmd }) + '\n'));
    c.on('data', (d: string) => { data += d; });
    c.once('error', reject);
    c.once('end', () => {
      try {
        resolve(JSON.parse(data) as ControlReply);
      } catch {
        reject(new Error(`unreadable answer from ${file}: ${JSON.stringify(data.slice(0, 200))}`));
      }
    });
  });
}
