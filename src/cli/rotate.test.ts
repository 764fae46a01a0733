import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { EXIT, parseRotateArgs, planRotation, RELEASE_WAIT, rotateMain, waitForRelease, type RotateIo, type RotateOptions } from './rotate.js';

const DIR = '/logs/ecelerity';
const X = `${DIR}/mainlog.ec`;

describe('maillogd rotate', () => {
  describe('planRotation', () => {
    it('first rotation: the file becomes .1', () => {
      assert.deepEqual(planRotation(X, ['mainlog.ec', 'rejectlog.ec'], 7), {
        file: X, steps: [{ op: 'rename', from: X, to: `${X}.1` }], rotated: `${X}.1`, older: [],
      });
    });

    it('a full set: the oldest goes, every other generation moves up one, newest first last', () => {
      const names = ['mainlog.ec', ...[1, 2, 3, 4, 5, 6, 7].map((g) => `mainlog.ec.${g}.gz`)];
      const plan = planRotation(X, names, 7);
      assert.deepEqual(plan.steps, [
        { op: 'remove', path: `${X}.7.gz` },
        ...[6, 5, 4, 3, 2, 1].map((g) => ({ op: 'rename', from: `${X}.${g}.gz`, to: `${X}.${g + 1}.gz` })),
        { op: 'rename', from: X, to: `${X}.1` },
      ]);
      assert.deepEqual(plan.older, []);
    });

    it('gaps, uncompressed generations and generations beyond keep', () => {
      const plan = planRotation(X, ['mainlog.ec', 'mainlog.ec.1', 'mainlog.ec.3.gz', 'mainlog.ec.9.gz', 'mainlog.ec.2'], 3);
      assert.deepEqual(plan.steps, [
        { op: 'remove', path: `${X}.9.gz` },
        { op: 'remove', path: `${X}.3.gz` },
        { op: 'rename', from: `${X}.2`, to: `${X}.3` },
        { op: 'rename', from: `${X}.1`, to: `${X}.2` },
        { op: 'rename', from: X, to: `${X}.1` },
      ]);
      assert.deepEqual(plan.older, [`${X}.2`, `${X}.3`]);
    });

    it('moves both forms of a generation that has both (an interrupted compression)', () => {
      const plan = planRotation(X, ['mainlog.ec', 'mainlog.ec.1', 'mainlog.ec.1.gz'], 7);
      assert.deepEqual(plan.steps, [
        { op: 'rename', from: `${X}.1`, to: `${X}.2` },
        { op: 'rename', from: `${X}.1.gz`, to: `${X}.2.gz` },
        { op: 'rename', from: X, to: `${X}.1` },
      ]);
      assert.deepEqual(plan.older, [`${X}.2`]);
    });

    it('keep 1 removes every older generation', () => {
      const plan = planRotation(X, ['mainlog.ec', 'mainlog.ec.1.gz', 'mainlog.ec.2'], 1);
      assert.deepEqual(plan.steps.map((s) => s.op), ['remove', 'remove', 'rename']);
    });

    it('leaves names that are not generations alone', () => {
      const names = ['mainlog.ec.bak', 'mainlog.ec.1.gz.tmp', 'mainlog.ec.01', 'mainlog.ec.0', 'mainlogXec.1', 'xmainlog.ec.1', 'mainlog.ec.1.bz2'];
      assert.deepEqual(planRotation(X, names, 7).steps, [{ op: 'rename', from: X, to: `${X}.1` }]);
    });
  });

  describe('arguments', () => {
    const cwd = '/work';
    it('defaults: keep 7, compress, names relative to the current directory', () => {
      assert.deepEqual(parseRotateArgs(['--pid', '42', 'a.log', 'b/c.log', 'a.log'], cwd), {
        files: ['/work/a.log', '/work/b/c.log'], keep: 7, compress: true, pid: { kind: 'pid', pid: 42 },
      });
    });

    it('--log-root, --keep, --no-compress, --pid-file; absolute names stay as they are', () => {
      assert.deepEqual(parseRotateArgs(['--keep', '3', '--no-compress', '--pid-file', 'run/m.pid', '--log-root', '/var/log/maillogd', 'ecelerity/mainlog.ec', '/tmp/x'], cwd), {
        files: ['/var/log/maillogd/ecelerity/mainlog.ec', '/tmp/x'], keep: 3, compress: false, pid: { kind: 'file', file: '/work/run/m.pid' },
      });
    });

    it('takes log_root and pid_file from the daemon config', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maillogd-rotate-cfg-'));
      try {
        fs.writeFileSync(path.join(dir, 'm.ini'), [
          '[daemon]', 'log_root = logs', 'state_dir = state', 'pid_file = run/maillogd.pid', 'unmatched_output = m',
          '[input.u]', 'type = udp', 'port = 0', '[output.m]', 'type = momentum', '',
        ].join('\n'));
        assert.deepEqual(parseRotateArgs(['--config', 'm.ini', 'ecelerity/mainlog.ec'], dir), {
          files: [path.join(dir, 'logs/ecelerity/mainlog.ec')], keep: 7, compress: true,
          pid: { kind: 'file', file: path.join(dir, 'run/maillogd.pid') },
        });
        assert.deepEqual((parseRotateArgs(['--config', 'm.ini', '--pid', '7', 'x'], dir) as RotateOptions).pid, { kind: 'pid', pid: 7 });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    for (const [why, argv] of [
      ['no names', ['--pid', '1']],
      ['no daemon to signal', ['x']],
      ['--pid and --pid-file', ['--pid', '1', '--pid-file', 'p', 'x']],
      ['a bad --keep', ['--keep', '0', '--pid', '1', 'x']],
      ['a bad --pid', ['--pid', 'abc', 'x']],
      ['an unknown option', ['--bzip2', '--pid', '1', 'x']],
    ] as const) {
      it(`usage error (64): ${why}`, async () => {
        const err: string[] = [];
        assert.equal(await rotateMain(argv, { stderr: (t) => err.push(t), wait: RELEASE_WAIT }), EXIT.usage);
        assert.match(err.join(''), /^maillogd rotate: .*\n[\s\S]*usage: maillogd rotate/);
      });
    }
  });

  it('is what `maillogd rotate` runs', () => {
    const cli = path.join(import.meta.dirname, 'maillogd.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'rotate', '--pid', '1'], { encoding: 'utf8' });
    assert.equal(r.status, EXIT.usage);
    assert.match(r.stderr, /^maillogd rotate: no file to rotate\n/);
  });

  describe('waitForRelease', () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maillogd-rotate-w-')); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('without /proc: waits until the file has stopped growing', async () => {
      const f = path.join(dir, 'x.1');
      fs.writeFileSync(f, '');
      let writes = 0;
      const timer = setInterval(() => { if (writes++ < 10) fs.appendFileSync(f, 'line\n'); }, 20);
      try {
        const ok = await waitForRelease(1, f, { quietMs: 150, maxMs: 5000, pollMs: 10, heldOpen: () => null });
        assert.ok(ok);
        assert.ok(writes >= 10, `returned after ${writes} writes`);
      } finally {
        clearInterval(timer);
      }
    });

    it('gives up after maxMs while the daemon still holds the file', async () => {
      const f = path.join(dir, 'x.1');
      fs.writeFileSync(f, '');
      assert.equal(await waitForRelease(1, f, { quietMs: 10, maxMs: 100, pollMs: 10, heldOpen: () => true }), false);
    });
  });

  describe('on real files with a daemon stand-in', () => {
    let dir: string;
    let daemon: ChildProcess | null = null;
    const err: string[] = [];
    const io: RotateIo = { stderr: (t) => err.push(t), wait: RELEASE_WAIT };

    // Appends numbered lines to the file as fast as a busy daemon; SIGHUP reopens the file;
    // SIGTERM stops and reports how many lines and SIGHUPs there were.
    const STAND_IN = `
      import fs from 'node:fs';
      const file = process.argv[1];
      let fd = fs.openSync(file, 'a'); let n = 0; let hups = 0; let stop = false;
      process.on('SIGHUP', () => { fs.closeSync(fd); fd = fs.openSync(file, 'a'); hups++; });
      process.on('SIGTERM', () => { stop = true; });
      const tick = () => {
        if (stop) { fs.closeSync(fd); process.stdout.write(JSON.stringify({ n, hups })); return; }
        for (let i = 0; i < 5; i++) fs.writeSync(fd, n++ + '\\n');
        setTimeout(tick, 2);
      };
      process.stdout.write('ready\\n'); tick();`;

    async function startDaemon(file: string): Promise<ChildProcess> {
      const child = spawn(process.execPath, ['--input-type=module', '-e', STAND_IN, file], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        child.once('exit', () => reject(new Error('stand-in exited')));
      });
      return child;
    }

    async function stopDaemon(child: ChildProcess): Promise<{ n: number; hups: number }> {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      return JSON.parse(out) as { n: number; hups: number };
    }

    function numbers(file: string): number[] {
      const data = file.endsWith('.gz') ? zlib.gunzipSync(fs.readFileSync(file)) : fs.readFileSync(file);
      const text = data.toString();
      return text === '' ? [] : text.slice(0, -1).split('\n').map(Number);
    }

    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maillogd-rotate-'));
      err.length = 0;
    });
    afterEach(() => {
      if (daemon && daemon.exitCode === null) daemon.kill('SIGKILL');
      daemon = null;
      fs.rmSync(dir, { recursive: true, force: true });
    });

    for (const how of ['/proc', 'quiet period'] as const) {
      it(`rotates three times under writes and loses no line (release seen by ${how})`, async () => {
        const file = path.join(dir, 'mainlog.ec');
        fs.writeFileSync(file, '', { mode: 0o640 });
        fs.chmodSync(file, 0o640);
        daemon = await startDaemon(file);
        const wait = how === '/proc' ? RELEASE_WAIT : { ...RELEASE_WAIT, quietMs: 200, heldOpen: () => null };
        for (let i = 0; i < 3; i++) {
          assert.equal(await rotateMain(['--pid', String(daemon.pid), '--log-root', dir, 'mainlog.ec'], { ...io, wait }), EXIT.ok, err.join(''));
        }
        const { n, hups } = await stopDaemon(daemon);
        assert.equal(hups, 3);
        assert.deepEqual(fs.readdirSync(dir).sort(), ['mainlog.ec', 'mainlog.ec.1.gz', 'mainlog.ec.2.gz', 'mainlog.ec.3.gz']);
        const seen = [3, 2, 1].flatMap((g) => numbers(path.join(dir, `mainlog.ec.${g}.gz`))).concat(numbers(file));
        assert.equal(seen.length, n);
        assert.deepEqual(seen, Array.from({ length: n }, (_, i) => i));
        assert.ok(numbers(path.join(dir, 'mainlog.ec.1.gz')).length > 0);
        // The compressed file keeps its source's mode (the first generation is the file made here).
        assert.equal(fs.statSync(path.join(dir, 'mainlog.ec.3.gz')).mode & 0o777, 0o640);
      });
    }

    it('--no-compress keeps plain generations; a later run compresses them; keep removes the oldest', async () => {
      const file = path.join(dir, 'acctlog.ec');
      fs.writeFileSync(file, 'one\n');
      daemon = await startDaemon(path.join(dir, 'other.ec'));
      const args = ['--pid', String(daemon.pid), '--keep', '2', file];
      assert.equal(await rotateMain(['--no-compress', ...args], io), EXIT.ok, err.join(''));
      assert.deepEqual(fs.readdirSync(dir).sort(), ['acctlog.ec.1', 'other.ec']);
      fs.writeFileSync(file, 'two\n');
      assert.equal(await rotateMain(args, io), EXIT.ok, err.join(''));
      assert.deepEqual(fs.readdirSync(dir).sort(), ['acctlog.ec.1.gz', 'acctlog.ec.2.gz', 'other.ec']);
      assert.equal(zlib.gunzipSync(fs.readFileSync(path.join(dir, 'acctlog.ec.2.gz'))).toString(), 'one\n');
      fs.writeFileSync(file, 'three\n');
      assert.equal(await rotateMain(args, io), EXIT.ok, err.join(''));
      assert.deepEqual(fs.readdirSync(dir).sort(), ['acctlog.ec.1.gz', 'acctlog.ec.2.gz', 'other.ec']);
      assert.equal(zlib.gunzipSync(fs.readFileSync(path.join(dir, 'acctlog.ec.2.gz'))).toString(), 'two\n');
      assert.equal((await stopDaemon(daemon)).hups, 3);
    });

    it('a missing file: 66, nothing renamed, no signal', async () => {
      const file = path.join(dir, 'mainlog.ec');
      fs.writeFileSync(file, 'x\n');
      daemon = await startDaemon(path.join(dir, 'other.ec'));
      assert.equal(await rotateMain(['--pid', String(daemon.pid), file, path.join(dir, 'nope.ec')], io), EXIT.noInput);
      assert.match(err.join(''), /nope\.ec: no such file/);
      assert.ok(fs.existsSync(file));
      assert.equal((await stopDaemon(daemon)).hups, 0);
    });

    it('no daemon: 69 and nothing renamed, from a stale pid or a missing pid file', async () => {
      const file = path.join(dir, 'mainlog.ec');
      fs.writeFileSync(file, 'x\n');
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
      const deadPid = gone.stdout.toString();
      assert.equal(await rotateMain(['--pid', deadPid, file], io), EXIT.unavailable);
      assert.equal(await rotateMain(['--pid-file', path.join(dir, 'none.pid'), file], io), EXIT.unavailable);
      fs.writeFileSync(path.join(dir, 'bad.pid'), 'hello\n');
      assert.equal(await rotateMain(['--pid-file', path.join(dir, 'bad.pid'), file], io), EXIT.unavailable);
      assert.match(err.join(''), /daemon not running: no process/);
      assert.match(err.join(''), /cannot read pid file/);
      assert.match(err.join(''), /holds no pid/);
      assert.deepEqual(fs.readdirSync(dir).sort(), ['bad.pid', 'mainlog.ec']);
    });
  });
});
