import assert from 'node:assert/strict';
import { validateSection, type ConfigProblem } from '../../config/schema.js';
import { checkFileOutput, fileOutputSpec } from './config.js';

function validate(keys: Record<string, unknown>) {
  const problems: ConfigProblem[] = [];
  const value = validateSection(fileOutputSpec, keys, 'output.f', problems);
  return { value, problems };
}

describe('file output config', () => {
  it('fills every default', () => {
    const { value, problems } = validate({ type: 'file', path: 'mail.log' });
    assert.deepEqual(problems, []);
    assert.deepEqual({ ...value }, {
      path: 'mail.log', format: 'traditional', file_mode: 0o640, dir_mode: 0o750, max_open_files: 256,
      idle_close_secs: 60, queue_max_bytes: 64 * 1024 * 1024, when_full: 'block', flush_interval_ms: 2, fsync: false,
    });
    assert.ok(Object.isFrozen(value));
  });

  it('parses INI spellings', () => {
    const { value, problems } = validate({
      path: '%{host}/%Y-%m-%d.log', format: 'RFC5424', file_mode: '0622', dir_mode: '700', when_full: 'drop', fsync: 'yes',
      queue_max_bytes: '1024', flush_interval_ms: '50',
    });
    assert.deepEqual(problems, []);
    assert.equal(value.format, 'rfc5424');
    assert.equal(value.file_mode, 0o622);
    assert.equal(value.dir_mode, 0o700);
    assert.equal(value.when_full, 'drop');
    assert.equal(value.fsync, true);
  });

  it('reports every problem at once', () => {
    const { problems } = validate({
      format: 'xml', file_mode: '0999', max_open_files: '0', when_full: 'wait', flush_interval_ms: '-1', fsnyc: 'true',
    });
    const keys = problems.map((p) => p.key).sort();
    assert.deepEqual(keys, ['file_mode', 'flush_interval_ms', 'format', 'fsnyc', 'max_open_files', 'path', 'when_full']);
    assert.match(problems.find((p) => p.key === 'fsnyc')!.message, /did you mean fsync/);
  });

  it('rejects an unknown placeholder in path', () => {
    const { problems } = validate({ path: '%{hostname}/x.log' });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /unknown placeholder %\{hostname\}/);
  });

  it('checks the path against the log root', () => {
    const ok = validate({ path: '/var/log/maillogd/%{host}.log' }).value;
    assert.deepEqual(checkFileOutput(ok, '/var/log/maillogd'), []);
    const bad = validate({ path: '/var/log/other.log' }).value;
    const problems = checkFileOutput(bad, '/var/log/maillogd');
    assert.equal(problems.length, 1);
    assert.equal(problems[0]![0], 'path');
    assert.match(problems[0]![1], /outside the log root/);
  });
});
