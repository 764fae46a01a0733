import assert from 'node:assert/strict';
import { validateSection, type ConfigProblem } from '../../config/schema.js';
import { OUTPUT_TYPES } from '../../registry.js';
import { checkMomentumOutput, logPaths, momentumOutputSpec } from './config.js';

function parse(keys: Record<string, unknown>): { config: ReturnType<typeof validateSection<typeof momentumOutputSpec>>; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  return { config: validateSection(momentumOutputSpec, keys, 'output.m', problems), problems };
}

describe('momentum output config', () => {
  it('defaults to ec_logger\'s: four logs under ecelerity/, importlog off, 0644, every switch on, heartbeat 60', () => {
    const { config, problems } = parse({});
    assert.deepEqual(problems, []);
    assert.deepEqual(logPaths(config, '/var/log/maillogd'), {
      mainlog: '/var/log/maillogd/ecelerity/mainlog.ec', rejectlog: '/var/log/maillogd/ecelerity/rejectlog.ec',
      paniclog: '/var/log/maillogd/ecelerity/paniclog.ec', acctlog: '/var/log/maillogd/ecelerity/acctlog.ec', importlog: null,
    });
    for (const k of ['mainlog_mode', 'rejectlog_mode', 'paniclog_mode', 'acctlog_mode', 'importlog_mode'] as const) assert.equal(config[k], 0o644);
    assert.equal(config.dir_mode, 0o755);
    for (const k of ['log_receptions', 'log_deliveries', 'log_transient_failures', 'log_permanent_failures', 'log_rejections', 'log_errors'] as const) {
      assert.equal(config[k], true);
    }
    assert.equal(config.heartbeat_secs, 60);
  });

  it('reads octal modes and switches, and lists every bad key at once', () => {
    const { config } = parse({ mainlog_mode: '0600', log_errors: 'no', heartbeat_secs: '0' });
    assert.equal(config.mainlog_mode, 0o600);
    assert.equal(config.log_errors, false);
    assert.equal(config.heartbeat_secs, 0);
    const { problems } = parse({ mainlog_mode: '644x', heartbeat_secs: '-1', log_receptions: 'maybe', heartbeat: '60' });
    assert.deepEqual(problems.map((p) => p.key).sort(), ['heartbeat', 'heartbeat_secs', 'log_receptions', 'mainlog_mode']);
  });

  it('keeps every log inside the log root and on a file of its own', () => {
    const root = '/var/log/maillogd';
    assert.deepEqual(checkMomentumOutput(parse({}).config, root), []);
    assert.deepEqual(checkMomentumOutput(parse({ mainlog: '/var/log/maillogd/m.ec', acctlog: '' }).config, root), []);
    const bad = checkMomentumOutput(parse({ mainlog: '../m.ec', rejectlog: '/tmp/r.ec', paniclog: '.', acctlog: 'ecelerity/mainlog.ec' }).config, root);
    assert.deepEqual(bad.map(([k]) => k), ['mainlog', 'rejectlog', 'paniclog']);
    const clash = checkMomentumOutput(parse({ acctlog: 'ecelerity//mainlog.ec' }).config, root);
    assert.deepEqual(clash, [['acctlog', 'ecelerity//mainlog.ec is also the mainlog; each log needs its own file']]);
    assert.match(checkMomentumOutput(parse({ mainlog: '../m.ec' }).config, root)[0]![1], /outside the log root/);
  });

  it('is registered as output type `momentum`', () => {
    const t = OUTPUT_TYPES.momentum;
    assert.ok(t);
    assert.equal(t.spec, momentumOutputSpec);
    assert.ok(t.check);
  });
});
