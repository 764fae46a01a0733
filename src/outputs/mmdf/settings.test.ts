import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { validateSection, type ConfigProblem } from '../../config/schema.js';
import { mmdfOutputSpec, parseStat } from './config.js';
import { checkMmdfOutput, resolveMmdfSettings, type MmdfSettings } from './settings.js';
import { harness, type Harness } from './mmdf.testkit.js';

describe('outputs/mmdf settings', () => {
  let h: Harness;
  beforeEach(() => { h = harness(); });
  afterEach(async () => { await h.cleanup(); });

  function settings(keys: Record<string, unknown>): MmdfSettings {
    const r = resolveMmdfSettings(h.config(keys), h.root);
    assert.ok(r.ok, JSON.stringify(r));
    return r.value;
  }

  function problems(keys: Record<string, unknown>): ConfigProblem[] {
    const out: ConfigProblem[] = [];
    validateSection(mmdfOutputSpec, keys, 'output.mm', out);
    return out;
  }

  it('defaults to MMDF\'s compiled-in settings: FST, 40 × 25 blocks, some', () => {
    assert.deepEqual(settings({ path: 'msg.log' }), {
      file: path.join(h.root, 'msg.log'), level: 25, maxBlocks: 1000, stat: 0o5, tag: null,
    });
    const c = h.config({ path: 'msg.log' });
    assert.equal(c.file_mode, 0o622);
    assert.equal(c.create, true);
    assert.equal(c.timed_reopen_secs, 300);
  });

  it('reads level names and numbers, size units, stat names OR-ed or octal', () => {
    const s = settings({ path: 'x.log', level: 'btr', size: '0', stat: 'close, cycle', tag: 'SB-0001' });
    assert.deepEqual([s.level, s.maxBlocks, s.stat, s.tag], [50, 0, 0o3, 'SB-0001']);
    assert.equal(settings({ path: 'x.log', level: '-1' }).level, -1);
    assert.equal(settings({ path: 'x.log', stat: '014' }).stat, 0o14);
    assert.equal(settings({ path: 'x.log', stat: 'timed' }).stat, 0o14);
    assert.equal(settings({ path: 'x.log', stat: 'SOME' }).stat, 0o5);
    assert.deepEqual(parseStat('cycle,wait'), { ok: true, value: 0o6 });
  });

  it('reports bad values of every key at once', () => {
    const p = problems({ path: 'x.log', level: 'loud', size: '-1', stat: 'sometimes', file_mode: '999', colour: 'x' });
    assert.deepEqual(p.map((x) => x.key).sort(), ['colour', 'file_mode', 'level', 'size', 'stat']);
    assert.match(problems({ stat: '9' })[0]!.message, /octal/);
    assert.match(problems({ stat: '020' })[0]!.message, /only the bits/);
    assert.match(problems({ level: '127' })[0]!.message, /-1\.\.126/);
  });

  it('keeps the path inside the log root and requires one', () => {
    assert.deepEqual(checkMmdfOutput(h.config({ path: '../x.log' }), h.root).map(([k]) => k), ['path']);
    assert.deepEqual(checkMmdfOutput(h.config({ path: '/etc/passwd' }), h.root).map(([k]) => k), ['path']);
    assert.deepEqual(checkMmdfOutput(h.config({}), h.root), [['path', 'is required (or name a tailor_file)']]);
    assert.deepEqual(checkMmdfOutput(h.config({ path: path.join(h.root, 'in', 'x.log') }), h.root), []);
  });

  describe('tailor file', () => {
    function tailor(lines: string[]): string {
      const file = path.join(h.base, 'mmdftailor');
      fs.writeFileSync(file, lines.join('\n') + '\n');
      return file;
    }

    it('takes file, level, size, stat and hdr from the tailor line, under MLOGDIR', () => {
      const file = tailor([
        '; MMDF tailoring',
        'MLOCMACHINE mx',
        `MLOGDIR   ${path.join(h.root, 'mmdf')}`,
        'MMSGLOG   msg.log, level=BST, size=2, stat=SOME',
        'MCHANLOG  chan.log level=FTR size=0 stat=cycle',
        'AUTHLOG   hdr=AU-0042',
      ]);
      assert.deepEqual(settings({ tailor_file: file }), {
        file: path.join(h.root, 'mmdf', 'msg.log'), level: 20, maxBlocks: 50, stat: 0o5, tag: null,
      });
      // cycle is OR-ed into chan.log's compiled-in some.
      assert.deepEqual(settings({ tailor_file: file, tailor_log: 'chan' }), {
        file: path.join(h.root, 'mmdf', 'chan.log'), level: 55, maxBlocks: 0, stat: 0o7, tag: null,
      });
      // auth.log: compiled-in name and level (FTR), the tailor's hdr.
      assert.deepEqual(settings({ tailor_file: file, tailor_log: 'auth' }), {
        file: path.join(h.root, 'mmdf', 'auth.log'), level: 55, maxBlocks: 1000, stat: 0o5, tag: 'AU-0042',
      });
    });

    it('lets keys in the section override the tailor file', () => {
      const file = tailor([`MMSGLOG ${path.join(h.root, 'msg.log')} level=BST size=2 stat=close`]);
      assert.deepEqual(settings({ tailor_file: file, path: 'other.log', level: 'ftr', size: 1, stat: 'cycle', tag: 'SB-0001' }), {
        file: path.join(h.root, 'other.log'), level: 55, maxBlocks: 25, stat: 0o2, tag: 'SB-0001',
      });
    });

    it('turns tailor errors into config problems that list their lines', () => {
      const file = tailor([
        `MLOGDIR ${h.root}`,
        'MMSGLOG msg.log, level=LOUD',
        '; fine',
        'MCHANLOG stat=often',
        'PHLOG level=FST extra',
      ]);
      const p = checkMmdfOutput(h.config({ tailor_file: file }), h.root);
      assert.deepEqual(p.map(([k]) => k), ['tailor_file', 'tailor_file', 'tailor_file']);
      assert.match(p[0]![1], /mmdftailor line 2: MMSGLOG: level 'LOUD'/);
      assert.match(p[1]![1], /line 4: MCHANLOG: stat 'often'/);
      assert.match(p[2]![1], /line 5: PHLOG: 'extra': a file name must come first/);
    });

    it('says when the tailor file cannot be read or puts the log outside the root', () => {
      const missing = checkMmdfOutput(h.config({ tailor_file: path.join(h.base, 'nope') }), h.root);
      assert.match(missing[0]![1], /cannot read .*nope: ENOENT/);
      const file = tailor(['MLOGDIR /usr/mmdf/log', 'MMSGLOG level=FST']);
      const outside = checkMmdfOutput(h.config({ tailor_file: file }), h.root);
      assert.equal(outside.length, 1);
      assert.match(outside[0]![1], /\(lines 1, 2\): the log \/usr\/mmdf\/log\/msg\.log is outside the log root .*set path/);
      assert.deepEqual(checkMmdfOutput(h.config({ tailor_file: file, path: 'msg.log' }), h.root), []);
    });
  });
});
