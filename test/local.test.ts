// Local integration, against the built daemon: the unix stream socket that glibc's syslog() and
// `logger -u` reach, the control socket with maillogctl (status, stats, reopen, check-config and
// its errors), the Prometheus endpoint, and systemd socket activation (LISTEN_FDS).

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { DAEMON_JS, ROOT, lines, startDaemon, tempDir, type RunningDaemon } from './support/daemon.js';
import { freePort } from './support/net.js';
import { waitFor } from './support/wait.js';

const CTL_JS = path.join(ROOT, 'dist/cli/maillogctl.js');

function ctl(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CTL_JS, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).once('error', reject);
  });
}

describe('local syslog socket, control socket and metrics', function () {
  this.timeout(60_000);
  let daemon: RunningDaemon;
  let sock: string;
  let control: string;
  let metricsPort: number;

  before(async () => {
    metricsPort = await freePort();
    const dir = tempDir('maillogd-local-');
    sock = path.join(dir, 'run', 'log.sock');
    control = path.join(dir, 'control.sock');
    daemon = await startDaemon(`metrics_listen = 127.0.0.1:${metricsPort}
[input.local]
type = unix
path = ${sock}
[output.all]
type = file
path = all.log
[rule.all]
outputs = all
`, { dir });
  });
  after(async () => { await daemon.stop(); });

  it('takes logger -u and NUL-terminated syslog() records, named after this machine', async () => {
    assert.equal(fs.statSync(sock).mode & 0o777, 0o666);
    execFileSync('logger', ['-u', sock, '-t', 'postfix/pickup', '-p', 'mail.info', 'uid=0 from=<root> via logger']);
    // What glibc's syslog() writes when /dev/log is a stream socket: no HOSTNAME, NUL at the end.
    await new Promise<void>((resolve, reject) => {
      const c = net.connect(sock, () => c.end('<22>Nov 22 10:11:12 sendmail[42]: x9KDuhYg012345: from=<a@b>\0<22>Nov 22 10:11:13 sendmail[42]: second\0'));
      c.once('close', () => resolve());
      c.once('error', reject);
    });
    const file = path.join(daemon.logRoot, 'all.log');
    const got = await waitFor('3 local lines', () => { const l = lines(file); return l.length >= 3 ? l : null; }, 10_000);
    const host = (execFileSync('hostname', { encoding: 'utf8' }).trim().split('.')[0])!;
    assert.ok(got.some((l) => new RegExp(` ${host} postfix/pickup(\\[\\d+\\])?: uid=0 from=<root> via logger$`).test(l)), got.join('\n'));
    assert.ok(got.includes(`Nov 22 10:11:12 ${host} sendmail[42]: x9KDuhYg012345: from=<a@b>`), got.join('\n'));
    assert.ok(got.includes(`Nov 22 10:11:13 ${host} sendmail[42]: second`), got.join('\n'));
  });

  it('answers maillogctl status, stats and check-config', () => {
    const status = ctl('--socket', control, 'status');
    assert.equal(status.code, 0, status.err);
    assert.match(status.out, new RegExp(`^maillogd \\S+, pid ${daemon.proc.pid}, up \\d+ s`));
    assert.match(status.out, /inputs: unix .*log\.sock/);
    const stats = ctl('--socket', control, 'stats');
    assert.equal(stats.code, 0, stats.err);
    assert.match(stats.out, /^input\.local +received +[1-9]\d*$/m);
    const json = JSON.parse(ctl('--socket', control, 'stats', '--format', 'json').out) as { counters: { component: string; name: string; value: number }[] };
    assert.ok(json.counters.some((c) => c.component === 'output.all' && c.name === 'written' && c.value >= 3));
    const check = ctl('--config', path.join(daemon.dir, 'maillogd.ini'), 'check-config');
    assert.equal(check.code, 0, check.err);
    assert.match(check.out, /^configuration OK/);
  });

  it('reports problems in the config on disk without touching the running daemon', () => {
    const conf = path.join(daemon.dir, 'maillogd.ini');
    const good = fs.readFileSync(conf, 'utf8');
    try {
      fs.writeFileSync(conf, good + '\n[output.bad]\ntype = file\nformat = fancy\n');
      const check = ctl('--socket', control, 'check-config');
      assert.equal(check.code, 1);
      assert.match(check.out, /\[output\.bad\] format: /);
      assert.equal(ctl('--socket', control, 'status').code, 0);
    } finally {
      fs.writeFileSync(conf, good);
    }
  });

  it('reopens the files on maillogctl reopen', async () => {
    const file = path.join(daemon.logRoot, 'all.log');
    fs.renameSync(file, file + '.1');
    const r = ctl('--socket', control, 'reopen');
    assert.equal(r.code, 0, r.err);
    execFileSync('logger', ['-u', sock, '-t', 'app', 'after reopen']);
    await waitFor('a line in the new all.log', () => lines(file).some((l) => l.endsWith('app: after reopen')), 10_000);
    assert.ok(!lines(file + '.1').some((l) => l.includes('after reopen')));
  });

  it('serves the counters as Prometheus text on loopback', async () => {
    const r = await get(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.body, /^# TYPE maillogd_received_total counter$/m);
    assert.match(r.body, /^maillogd_received_total\{component="input\.local"\} [1-9]\d*$/m);
    assert.match(r.body, /^maillogd_up 1$/m);
    assert.equal((await get(`http://127.0.0.1:${metricsPort}/`)).status, 404);
  });

  it('says clearly when the daemon is not running or the socket is not ours to use', () => {
    const none = ctl('--socket', path.join(tempDir(), 'nothing.sock'), 'status');
    assert.equal(none.code, 69);
    assert.match(none.err, /maillogd is not running \(nothing answers on .*nothing\.sock\)/);
    // The test directory is root's, mode 0700: another user cannot reach the socket.
    const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, CTL_JS, '--socket', control, 'status'],
      { encoding: 'utf8' });
    assert.equal(r.status, 77, r.stderr);
    assert.match(r.stderr, /permission denied on .*control\.sock/);
    const bad = ctl('--socket', control, 'frobnicate');
    assert.equal(bad.code, 64);
  });
});

describe('unix datagram socket (unix-dgram)', function () {
  this.timeout(30_000);

  it('takes datagrams as /dev/log carries them, logger -d -u included', async () => {
    const dir = tempDir('maillogd-dgram-');
    const sock = path.join(dir, 'dev-log');
    const d = await startDaemon(`[input.devlog]
type = unix
socket_type = dgram
path = ${sock}
[output.all]
type = file
path = all.log
[rule.all]
outputs = all
`, { dir });
    try {
      assert.equal(fs.statSync(sock).mode & 0o777, 0o666);
      for (let i = 0; i < 50; i++) execFileSync('logger', ['-d', '-u', sock, '-t', 'dg', `datagram ${i}`]);
      const file = path.join(d.logRoot, 'all.log');
      await waitFor('50 datagrams', () => lines(file).length >= 50, 10_000);
      assert.deepEqual(lines(file).map((l) => /dg(?:\[\d+\])?: (datagram \d+)$/.exec(l)?.[1]), Array.from({ length: 50 }, (_, i) => `datagram ${i}`));
    } finally {
      assert.equal(await d.stop(), 0);
    }
    assert.ok(!fs.existsSync(sock), 'the socket file is removed at stop');
  });
});

describe('systemd socket activation', function () {
  this.timeout(30_000);

  it('uses the TCP, UDP and unix sockets passed as LISTEN_FDS by name instead of binding', async () => {
    const dir = tempDir('maillogd-activation-');
    const sockPath = path.join(dir, 'log.sock');
    fs.writeFileSync(path.join(dir, 'maillogd.ini'), `[daemon]
log_root = ${dir}/log
state_dir = ${dir}/state
control_socket = ${dir}/control.sock
[input.tcp]
type = tcp
port = 9
[input.udp]
type = udp
port = 9
[input.local]
type = unix
path = /nonexistent/never-bound.sock
[output.all]
type = file
path = all.log
[rule.all]
outputs = all
`);
    // What systemd does: bind, then exec the daemon with the sockets from fd 3 and LISTEN_PID = its pid.
    const launcher = `
import os, socket, sys
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM); t.bind(('127.0.0.1', 0)); t.listen(16)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 0))
x = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); x.bind(sys.argv[2]); x.listen(16); os.chmod(sys.argv[2], 0o666)
open(sys.argv[1] + '/ports', 'w').write('%d %d' % (t.getsockname()[1], u.getsockname()[1]))
for i, s in enumerate((t, u, x)):
    os.dup2(s.fileno(), 3 + i)
    os.set_inheritable(3 + i, True)
os.environ.update(LISTEN_FDS='3', LISTEN_PID=str(os.getpid()), LISTEN_FDNAMES='tcp:udp:local')
os.execv(sys.argv[3], [sys.argv[3], sys.argv[4], '--config', sys.argv[1] + '/maillogd.ini'])
`;
    const proc = spawn('python3', ['-c', launcher, dir, sockPath, process.execPath, DAEMON_JS], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    proc.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (c) => resolve(c)));
    try {
      await waitFor('the daemon to start on the passed sockets', () => {
        if (proc.exitCode !== null) throw new Error(err);
        return err.includes(': started:');
      }, 20_000);
      assert.match(err, /tcp 127\.0\.0\.1:\d+ \(fd 3 from systemd\)/);
      assert.match(err, /udp 127\.0\.0\.1:\d+ \(fd 4 from systemd\)/);
      assert.match(err, /unix \/nonexistent\/never-bound\.sock \(fd 5 from systemd\)/);
      const [tcpPort, udpPort] = fs.readFileSync(path.join(dir, 'ports'), 'utf8').split(' ').map(Number);
      execFileSync('logger', ['-n', '127.0.0.1', '-P', String(tcpPort), '-T', '-t', 'act', 'over inherited tcp']);
      execFileSync('logger', ['-n', '127.0.0.1', '-P', String(udpPort), '-d', '-t', 'act', 'over inherited udp']);
      execFileSync('logger', ['-u', sockPath, '-t', 'act', 'over inherited unix']);
      const file = path.join(dir, 'log', 'all.log');
      await waitFor('three lines', () => ['tcp', 'udp', 'unix'].every((k) => lines(file).some((l) => l.endsWith(`over inherited ${k}`))), 10_000);
    } finally {
      proc.kill('SIGTERM');
      assert.equal(await exited, 0);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
