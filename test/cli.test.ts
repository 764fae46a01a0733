// The command line of the built daemon: --version, --check-config, --debug, exit codes, SIGHUP.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { renameSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import { once } from 'node:events';
import path from 'node:path';
import { DAEMON_JS, ROOT, startDaemon, tempDir, lines } from './support/daemon.js';
import { waitFor } from './support/wait.js';

function run(args: string[], cwd = tempDir()) {
  return spawnSync(process.execPath, [DAEMON_JS, ...args], { cwd, encoding: 'utf8' });
}

const MINIMAL = `[input.tcp]
type = tcp
port = 0
port_file = {PORT:tcp}
[output.all]
type = file
path = all.log
[rule.all]
outputs = all
`;

async function send(port: number, text: string): Promise<void> {
  const s = net.connect({ port, host: '127.0.0.1' });
  await once(s, 'connect');
  s.end(text);
  await once(s, 'close');
}

describe('maillogd command line', function () {
  this.timeout(30_000);

  it('--version prints the package version', () => {
    const r = run(['--version']);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `maillogd ${pkg.version}\n`);
  });

  it('--check-config exits 0 on a valid file and 78 with every problem on a bad one', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'good.ini'), MINIMAL.replace('port_file = {PORT:tcp}\n', ''));
    const ok = run(['--config', 'good.ini', '--check-config'], dir);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /configuration OK/);

    writeFileSync(path.join(dir, 'bad.ini'), '[input.u]\ntype = udp\nport = x\nbogus = 1\n[output.o]\ntype = file\n[rule.r]\noutputs = nope\n');
    const bad = run(['--config', 'bad.ini', '--check-config'], dir);
    assert.equal(bad.status, 78);
    const reported = bad.stderr.split('\n').filter((l) => l.startsWith('maillogd: config: '));
    assert.deepEqual(reported.sort(), [
      'maillogd: config: [input.u] bogus: unknown key',
      'maillogd: config: [input.u] port: expected an integer, got "x"',
      'maillogd: config: [output.o] path: is required',
      'maillogd: config: [rule.r] outputs: no [output.nope]',
    ]);
  });

  it('exits 64 on an unknown option and 71 when a port is taken', async () => {
    assert.equal(run(['--frobnicate']).status, 64);
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const dir = tempDir();
    writeFileSync(path.join(dir, 'c.ini'), `[daemon]\nlog_root = log\nstate_dir = state\n${MINIMAL.replace('port = 0', `port = ${port}`).replace('port_file = {PORT:tcp}\n', '')}`);
    const r = run(['--config', 'c.ini'], dir);
    blocker.close();
    assert.equal(r.status, 71);
    assert.match(r.stderr, /cannot listen on tcp 127\.0\.0\.1:\d+: listen EADDRINUSE/);
  });

  it('--debug echoes records to stdout', async () => {
    const d = await startDaemon(MINIMAL, { args: ['--debug'] });
    await send(d.ports.tcp!, '<13>Nov 22 04:00:00 h app: echoed\n');
    await waitFor('the echo', () => d.stdout().includes('h app: echoed'));
    assert.equal(await d.stop(), 0);
  });

  it('SIGHUP reopens files: lines before and after a logrotate-style rename are all kept', async () => {
    const d = await startDaemon(MINIMAL);
    const file = path.join(d.logRoot, 'all.log');
    await send(d.ports.tcp!, '<13>Nov 22 04:00:00 h app: before\n');
    await waitFor('first line', () => lines(file).length === 1);
    renameSync(file, `${file}.1`);
    await send(d.ports.tcp!, '<13>Nov 22 04:00:00 h app: between\n');
    await waitFor('the line written after the rename', () => lines(`${file}.1`).length === 2);
    d.proc.kill('SIGHUP');
    await waitFor('the reopen', () => d.read('paniclog').includes('files reopened'));
    await send(d.ports.tcp!, '<13>Nov 22 04:00:00 h app: after\n');
    await waitFor('a new all.log', () => lines(file).length === 1);
    assert.equal(await d.stop(), 0);
    assert.deepEqual(lines(`${file}.1`).map((l) => l.split(': ')[1]), ['before', 'between']);
    assert.deepEqual(lines(file).map((l) => l.split(': ')[1]), ['after']);
    assert.equal(statSync(file).mode & 0o777, 0o640);
  });
});
