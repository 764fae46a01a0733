// The shipped systemd units (systemd/): systemd-analyze verify accepts them, the service's
// sandbox scores an exposure of at most 2.5, the settings the package and the daemon rely on are
// there, and the daemon still works inside an emulation of that sandbox (no systemd as PID 1
// is needed for any of it).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { DAEMON_JS, lines, tempDir } from './support/daemon.js';
import {
  activatedArgv, SANDBOX_UID, sandboxedArgv, sandboxUnavailable, startNotifyListener, type PassedSocket,
} from './support/sandbox.js';
import {
  analyze, haveSystemdAnalyze, overallExposure, readUnit, UNIT_DIR, value, values, verifyRoot, type UnitEntry,
} from './support/systemd.js';
import { waitFor } from './support/wait.js';

const SERVICE = path.join(UNIT_DIR, 'maillogd.service');
const SOCKETS = { udp: 'maillogd-udp.socket', tcp: 'maillogd-tcp.socket', local: 'maillogd-local.socket' } as const;
const MAX_EXPOSURE = 2.5;

function unitFiles(): string[] {
  return readdirSync(UNIT_DIR).filter((f) => /\.(service|socket)$/.test(f)).sort().map((f) => path.join(UNIT_DIR, f));
}

/** Binds tcp and udp on `port` to see that both are free. */
async function portFree(port: number): Promise<boolean> {
  const server = net.createServer();
  const sock = dgram.createSocket('udp4');
  try {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    sock.bind(port, '127.0.0.1');
    await once(sock, 'listening');
    return true;
  } catch {
    return false;
  } finally {
    server.close();
    try {
      sock.close();
    } catch {
      // never bound: nothing to close
    }
  }
}

/**
 * A free port for both tcp and udp: below ip_unprivileged_port_start when that is above 600, so
 * that only CAP_NET_BIND_SERVICE lets the daemon bind it.
 */
async function freePort(): Promise<{ port: number; privileged: boolean }> {
  const unprivStart = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim());
  const [low, high] = unprivStart > 600 ? [600, Math.min(unprivStart, 1024)] : [20_000, 30_000];
  for (let tries = 0; tries < 50; tries++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await portFree(port)) return { port, privileged: unprivStart > 600 };
  }
  throw new Error(`no free port between ${low} and ${high}`);
}

type Exit = { code: number | null; signal: NodeJS.Signals | null };

interface Sandboxed {
  readonly pid: number;
  output(): string;
  signal(sig: NodeJS.Signals): void;
  /** SIGTERM (unless it is gone already) and the exit. */
  stop(): Promise<Exit>;
}

/** Starts `argv` (a sandboxed daemon) and waits for its "started" notice. */
async function startSandboxed(argv: readonly string[], dir: string, env: NodeJS.ProcessEnv = {}): Promise<Sandboxed> {
  const proc = spawn(argv[0]!, argv.slice(1), { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<Exit>((resolve) => {
    proc.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const end: { exit: Exit | null } = { exit: null };
  void exited.then((e) => { end.exit = e; });
  await waitFor('the sandboxed daemon to start', () => end.exit || out.includes(': started:'), 20_000);
  if (end.exit) throw new Error(`daemon exited (${end.exit.code ?? end.exit.signal}) during start: ${out}`);
  return {
    pid: proc.pid!,
    output: () => out,
    signal: (sig) => { proc.kill(sig); },
    stop: () => {
      if (!end.exit) proc.kill('SIGTERM');
      return exited;
    },
  };
}

/** A temp dir with log/, state/ and run/, all owned by the sandbox user. */
function sandboxDir(): string {
  const dir = tempDir('maillogd-sandbox-');
  chownSync(dir, SANDBOX_UID, SANDBOX_UID);
  for (const sub of ['log', 'state', 'run']) {
    mkdirSync(path.join(dir, sub));
    chownSync(path.join(dir, sub), SANDBOX_UID, SANDBOX_UID);
  }
  return dir;
}

function daemonIni(dir: string, sections: string): string {
  return `[daemon]
log_root = ${dir}/log
state_dir = ${dir}/state
pid_file = ${dir}/run/maillogd.pid
control_socket = ${dir}/run/control.sock
[output.all]
type = file
path = all.log
[rule.all]
outputs = all
${sections}`;
}

async function sendTcp(port: number, text: string): Promise<void> {
  const sock = net.connect({ port, host: '127.0.0.1' });
  await once(sock, 'connect');
  sock.end(text);
  await once(sock, 'close');
}

describe('systemd units', function () {
  this.timeout(60_000);
  let service: UnitEntry[];

  before(function () {
    if (!haveSystemdAnalyze()) {
      console.log('      skipped: systemd-analyze is not installed');
      this.skip();
    }
    service = readUnit(SERVICE);
  });

  it('pass systemd-analyze verify', () => {
    const files = unitFiles();
    assert.deepEqual(files.map((f) => path.basename(f)), ['maillogd-local.socket', 'maillogd-tcp.socket', 'maillogd-udp.socket', 'maillogd.service']);
    const root = verifyRoot(files);
    const r = analyze(['verify', '--man=no', `--root=${root}`, ...files.map((f) => path.basename(f))]);
    rmSync(root, { recursive: true, force: true });
    // Syntax problems (an unknown key, a bad value) are warnings on stderr with exit status 0.
    assert.equal(`${r.stdout}${r.stderr}`, '');
    assert.equal(r.status, 0);
  });

  it(`give the service an overall exposure of at most ${MAX_EXPOSURE}`, () => {
    const r = analyze(['security', '--offline=yes', '--no-pager', SERVICE]);
    assert.equal(r.status, 0, r.stderr);
    const exposure = overallExposure(r.stdout);
    console.log(`      systemd-analyze security: overall exposure ${exposure}`);
    assert.ok(exposure <= MAX_EXPOSURE, `exposure ${exposure}:\n${r.stdout.split('\n').filter((l) => l.includes('✗')).join('\n')}`);
  });

  it('run the packaged daemon as maillogd, with readiness notification and HUP for reload', () => {
    assert.equal(value(service, 'Service', 'Type'), 'notify');
    // systemd-notify, run by the unprivileged daemon, sends its own pid, not the main pid.
    assert.equal(value(service, 'Service', 'NotifyAccess'), 'all');
    assert.equal(value(service, 'Service', 'ExecStart'), '/usr/sbin/maillogd --config /etc/maillogd/maillogd.ini');
    assert.equal(value(service, 'Service', 'ExecReload'), '/bin/kill -HUP $MAINPID');
    assert.equal(value(service, 'Service', 'User'), 'maillogd');
    assert.equal(value(service, 'Service', 'Group'), 'maillogd');
    assert.equal(value(service, 'Service', 'Restart'), 'on-failure');
    assert.equal(value(service, 'Service', 'UMask'), '0027');
    assert.ok(values(service, 'Unit', 'Documentation').length > 0);
    assert.deepEqual(values(service, 'Install', 'WantedBy'), ['multi-user.target']);
  });

  it('give the service CAP_NET_BIND_SERVICE and no other capability', () => {
    assert.deepEqual(values(service, 'Service', 'CapabilityBoundingSet'), ['CAP_NET_BIND_SERVICE']);
    assert.deepEqual(values(service, 'Service', 'AmbientCapabilities'), ['CAP_NET_BIND_SERVICE']);
    assert.equal(value(service, 'Service', 'NoNewPrivileges'), 'yes');
    // Inside a user namespace the capability would not count for the host's network namespace.
    assert.notEqual(values(service, 'Service', 'PrivateUsers')[0], 'yes');
  });

  it('give the service its log, state and runtime directories', () => {
    assert.equal(value(service, 'Service', 'LogsDirectory'), 'maillogd');
    assert.equal(value(service, 'Service', 'StateDirectory'), 'maillogd');
    assert.equal(value(service, 'Service', 'RuntimeDirectory'), 'maillogd');
    // The local socket unit's file lives in /run/maillogd: a stop must not delete it.
    assert.equal(value(service, 'Service', 'RuntimeDirectoryPreserve'), 'yes');
    assert.equal(value(service, 'Service', 'ProtectSystem'), 'strict');
  });

  it('leave Node its JIT and a syscall filter with an allow list', () => {
    assert.notEqual(values(service, 'Service', 'MemoryDenyWriteExecute')[0], 'yes');
    const filters = values(service, 'Service', 'SystemCallFilter');
    assert.ok(filters[0]?.split(/\s+/).includes('@system-service'), filters.join(' / '));
    assert.equal(value(service, 'Service', 'SystemCallArchitectures'), 'native');
    assert.equal(value(service, 'Service', 'SystemCallErrorNumber'), 'EPERM');
  });

  it('pass each socket to maillogd.service under the name of the input that uses it', () => {
    const expected = {
      udp: { ListenDatagram: ['514'], ListenStream: [] },
      tcp: { ListenDatagram: [], ListenStream: ['514'] },
      local: { ListenDatagram: [], ListenStream: ['/run/maillogd/log.sock'] },
    };
    for (const [name, file] of Object.entries(SOCKETS) as [keyof typeof SOCKETS, string][]) {
      const unit = readUnit(path.join(UNIT_DIR, file));
      assert.equal(value(unit, 'Socket', 'FileDescriptorName'), name, file);
      assert.equal(value(unit, 'Socket', 'Service'), 'maillogd.service', file);
      assert.deepEqual(values(unit, 'Socket', 'ListenDatagram'), expected[name].ListenDatagram, file);
      assert.deepEqual(values(unit, 'Socket', 'ListenStream'), expected[name].ListenStream, file);
      assert.deepEqual(values(unit, 'Install', 'WantedBy'), ['sockets.target'], file);
    }
    assert.equal(value(readUnit(path.join(UNIT_DIR, SOCKETS.udp)), 'Socket', 'ReceiveBuffer'), '8M');
    assert.equal(value(readUnit(path.join(UNIT_DIR, SOCKETS.local)), 'Socket', 'SocketMode'), '0666');
  });

  it('leave syslog.service and syslog.socket to rsyslog', () => {
    for (const file of unitFiles()) {
      const unit = readUnit(file);
      assert.deepEqual(unit.filter((e) => e.key === 'Alias'), [], file);
      assert.deepEqual(unit.filter((e) => /syslog\.(service|socket)/.test(e.value)), [], file);
    }
  });

  describe('the daemon inside an emulation of the service sandbox', function () {
    this.timeout(60_000);

    before(function () {
      const why = sandboxUnavailable();
      if (why) {
        console.log(`      skipped: ${why}`);
        this.skip();
      }
    });

    it('binds a privileged port, notifies readiness, reopens on HUP and stops cleanly', async () => {
      const dir = sandboxDir();
      const { port, privileged } = await freePort();
      const conf = path.join(dir, 'maillogd.ini');
      writeFileSync(conf, daemonIni(dir, `[input.udp]
type = udp
address = 127.0.0.1
port = ${port}
[input.tcp]
type = tcp
address = 127.0.0.1
port = ${port}
[output.mail]
type = file
path = mail.log
[output.db]
type = sqlite
path = maillogd.db
[rule.mail]
priority = 10
facility = mail
outputs = mail
[rule.db]
outputs = db
`));
      const notify = await startNotifyListener(dir);
      const argv = sandboxedArgv(service, dir, [process.execPath, DAEMON_JS, '--config', conf]);
      const d = await startSandboxed(argv, dir, { NOTIFY_SOCKET: notify.socket }).catch((err: Error) => {
        notify.stop();
        throw err;
      });
      let exit: Exit;
      try {
        const status = readFileSync(`/proc/${d.pid}/status`, 'utf8');
        const field = (name: string) => new RegExp(`^${name}:\\s+(.*)$`, 'm').exec(status)?.[1];
        assert.equal(field('Uid')?.split(/\s+/)[0], String(SANDBOX_UID));
        for (const set of ['CapEff', 'CapBnd', 'CapAmb']) assert.equal(field(set), '0000000000000400', set); // bit 10: CAP_NET_BIND_SERVICE
        assert.equal(field('NoNewPrivs'), '1');
        assert.equal(field('Seccomp'), '2');
        if (!privileged) console.log('      (every port is unprivileged here: the capability is not exercised)');
        await waitFor('READY=1 from systemd-notify', () => notify.messages().some((m) => m.text.startsWith('READY=1')), 10_000);

        let tcpText = '';
        for (let i = 1; i <= 20; i++) tcpText += `<22>Nov 22 04:00:00 mx postfix/smtpd[9]: tcp ${i}\n`;
        await sendTcp(port, tcpText);
        const udp = dgram.createSocket('udp4');
        for (let i = 1; i <= 20; i++) udp.send(`<13>Nov 22 04:00:00 mx app: udp ${i}`, port, '127.0.0.1');
        const logDir = path.join(dir, 'log');
        await waitFor('40 lines in all.log', () => lines(path.join(logDir, 'all.log')).length >= 40, 10_000);
        udp.close();
        assert.equal(lines(path.join(logDir, 'mail.log')).length, 20);

        renameSync(path.join(logDir, 'all.log'), path.join(logDir, 'all.log.1'));
        d.signal('SIGHUP');
        await waitFor('the files to be reopened', () => d.output().includes('files reopened'), 10_000);
        await sendTcp(port, '<22>Nov 22 04:00:01 mx postfix/smtpd[9]: after the reopen\n');
        await waitFor('a new all.log', () => lines(path.join(logDir, 'all.log')).length === 1, 10_000);
        assert.equal(statSync(path.join(logDir, 'all.log')).mode & 0o777, 0o640);
        assert.equal(statSync(path.join(logDir, 'all.log')).uid, SANDBOX_UID);
        assert.equal(lines(path.join(logDir, 'all.log.1')).length, 40);
        assert.ok(existsSync(path.join(dir, 'state/maillogd.db')));
      } finally {
        notify.stop();
        exit = await d.stop();
      }
      assert.deepEqual(exit, { code: 0, signal: null }, d.output());
      rmSync(dir, { recursive: true, force: true });
    });

    it('takes the sockets the socket units pass, by FileDescriptorName', async () => {
      const dir = sandboxDir();
      const { port } = await freePort();
      const passed: PassedSocket[] = Object.values(SOCKETS).map((file) => {
        const unit = readUnit(path.join(UNIT_DIR, file));
        const datagram = values(unit, 'Socket', 'ListenDatagram')[0];
        const listen = datagram ?? value(unit, 'Socket', 'ListenStream');
        const mode = values(unit, 'Socket', 'SocketMode')[0];
        return {
          name: value(unit, 'Socket', 'FileDescriptorName'),
          type: datagram ? 'datagram' : 'stream',
          // The units' port 514 and /run/maillogd/log.sock, moved out of the way of the host's.
          address: /^\d+$/.test(listen) ? port : path.join(dir, 'run', path.basename(listen)),
          ...(mode ? { mode: parseInt(mode, 8) } : {}),
        };
      });
      const input = (s: PassedSocket) => typeof s.address === 'string'
        ? `[input.${s.name}]\ntype = unix\npath = ${s.address}\n`
        : `[input.${s.name}]\ntype = ${s.type === 'datagram' ? 'udp' : 'tcp'}\naddress = ::\nport = ${s.address}\n`;
      const conf = path.join(dir, 'maillogd.ini');
      writeFileSync(conf, daemonIni(dir, passed.map(input).join('')));
      const argv = activatedArgv(dir, passed, sandboxedArgv(service, dir, [process.execPath, DAEMON_JS, '--config', conf]));
      // Binding itself instead would fail: the passed sockets hold the port.
      const d = await startSandboxed(argv, dir);
      let exit: Exit;
      try {
        const local = passed.find((s) => typeof s.address === 'string')!;
        assert.equal(statSync(local.address as string).mode & 0o777, 0o666);
        await sendTcp(port, '<13>Nov 22 04:00:00 mx app: over tcp\n');
        const udp = dgram.createSocket('udp4');
        udp.send('<13>Nov 22 04:00:00 mx app: over udp', port, '127.0.0.1');
        const unix = net.connect(local.address as string);
        await once(unix, 'connect');
        unix.end('<13>Nov 22 04:00:00 app: over the local socket\n');
        const all = path.join(dir, 'log/all.log');
        await waitFor('3 lines in all.log', () => lines(all).length >= 3, 10_000);
        udp.close();
        assert.deepEqual(lines(all).map((l) => l.replace(/^.*: /, '')).sort(), ['over tcp', 'over the local socket', 'over udp']);
      } finally {
        exit = await d.stop();
      }
      assert.deepEqual(exit, { code: 0, signal: null }, d.output());
      rmSync(dir, { recursive: true, force: true });
    });
  });
});
