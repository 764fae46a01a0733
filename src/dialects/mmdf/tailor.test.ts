import assert from 'node:assert/strict';
import {
  MMDF_LOG_DEFAULTS, MMDF_STAT, applyLogSettings, parseTailor, parseTailorLine, resolveLogPath, sizeLimitBytes,
  type MmdfTailor, type MmdfTailorError,
} from './tailor.js';

function ok(text: string): MmdfTailor {
  const r = parseTailor(text);
  assert.ok(r.ok, JSON.stringify(r));
  return r.value;
}

function errors(text: string): readonly MmdfTailorError[] {
  const r = parseTailor(text);
  assert.equal(r.ok, false);
  return r.ok ? [] : r.errors;
}

const none = { file: null, hdr: null, level: null, sizeUnits: null, statSet: null, statAdd: 0 };

describe('dialects/mmdf tailor', () => {
  it('reads the runtime guide example', () => {
    const t = ok([
      'MLOGDIR   /usr/mmdf/log',
      'MMSGLOG   /tmp/mmdf.log, level=FST, size=40, stat=SOME',
      'MCHANLOG  level=FST, size=40, stat=SOME',
      'PHLOG     level=FST, size=40, stat=SOME',
      'AUTHLOG   level=FTR',
    ].join('\n'));
    assert.equal(t.logDir, '/usr/mmdf/log');
    assert.deepEqual(t.logs.msg, { ...none, file: '/tmp/mmdf.log', level: 25, sizeUnits: 40, statAdd: MMDF_STAT.some });
    assert.deepEqual(t.logs.chan, { ...none, level: 25, sizeUnits: 40, statAdd: 0o5 });
    assert.deepEqual(t.logs.ph, { ...none, level: 25, sizeUnits: 40, statAdd: 0o5 });
    assert.deepEqual(t.logs.auth, { ...none, level: 55 });
    assert.deepEqual(t.skipped, []);
  });

  it('skips other keywords and their continuation lines', () => {
    const t = ok([
      '; MMDF tailoring', 'MLOGIN mail', '', 'MCHN smtp, show="SMTP Delivery", que=smtp,',
      '\tlevel=FST, auth=free,', '\tlog=smtp.log', 'MMSGLOG     level=FST   # from debian', 'AUTHLOG     level=FTR',
    ].join('\n'));
    assert.deepEqual(t.skipped, [{ line: 2, keyword: 'MLOGIN' }, { line: 4, keyword: 'MCHN' }]);
    assert.equal(t.logs.msg?.level, 25);
    assert.equal(t.logs.auth?.level, 55);
  });

  it('matches keywords, level and stat names in any case', () => {
    const t = ok('mmsglog level=ptr, Stat=Close, STAT=wait\nMchanLog LEVEL=30 stat=timed');
    assert.equal(t.logs.msg?.level, 40);
    assert.equal(t.logs.msg?.statAdd, MMDF_STAT.close | MMDF_STAT.wait);
    assert.equal(t.logs.chan?.level, 30);
    assert.equal(t.logs.chan?.statAdd, 0o14);
  });

  it('reads stat digits as octal, replacing what came before', () => {
    assert.deepEqual(ok('MMSGLOG stat=close, stat=14').logs.msg, { ...none, statSet: 0o14 });
    assert.deepEqual(ok('MMSGLOG stat=014, stat=close').logs.msg, { ...none, statSet: 0o14, statAdd: 1 });
    assert.deepEqual(ok('MMSGLOG stat=2\nMMSGLOG stat=wait').logs.msg, { ...none, statSet: 2, statAdd: 4 });
  });

  it('merges repeated lines for the same log', () => {
    const t = ok('MMSGLOG msg.log, level=FST\nMMSGLOG size=0, hdr=SB-0000');
    assert.deepEqual(t.logs.msg, { ...none, file: 'msg.log', level: 25, sizeUnits: 0, hdr: 'SB-0000' });
  });

  it('takes quotes, escapes and spaces around =', () => {
    const t = ok('MLOGDIR "/var/log/mmdf logs"\nMCHANLOG "chan,log", hdr = "UA 0000", level=\\146st');
    assert.equal(t.logDir, '/var/log/mmdf logs');
    assert.equal(t.logs.chan?.file, 'chan,log');
    assert.equal(t.logs.chan?.hdr, 'UA 0000');
    assert.equal(t.logs.chan?.level, 25);
  });

  it('reports every error with its line', () => {
    const errs = errors([
      'MMSGLOG level=verbose', 'MCHANLOG size=big', 'PHLOG stat=8', 'AUTHLOG stat=sometimes', 'MMSGLOG color=red',
      'MMSGLOG level=FST extra.log', 'MMSGLOG level=', 'MLOGDIR', 'MLOGDIR a b', 'MMSGLOG hdr="open', 'level=FST',
      'MMSGLOG level=127', 'MMSGLOG level=-1', 'MMSGLOG =x',
    ].join('\n'));
    assert.deepEqual(errs.map((e) => e.line), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    assert.match(errs[0]!.message, /level 'verbose'/);
    assert.match(errs[5]!.message, /file name must come first/);
    assert.match(errs[6]!.message, /no value for 'level'/);
    assert.match(errs[9]!.message, /unclosed quote/);
  });

  it('numbers continued records by their first line', () => {
    const errs = errors('MLOGIN mail\nMMSGLOG level=FST,\n  size=x\nAUTHLOG level=FTR');
    assert.deepEqual(errs, [{ line: 2, message: "MMSGLOG: size 'x': not a decimal number" }]);
  });

  it('reads one line on its own', () => {
    assert.deepEqual(parseTailorLine('AUTHLOG auth.log, level=FTR'),
      { ok: true, value: { kind: 'log', log: 'auth', settings: { ...none, file: 'auth.log', level: 55 } } });
    assert.deepEqual(parseTailorLine('  # nothing'), { ok: true, value: { kind: 'blank' } });
    assert.deepEqual(parseTailorLine('MMDFLOGIN mmdf'), { ok: true, value: { kind: 'other', keyword: 'MMDFLOGIN' } });
    const r = parseTailorLine('MMSGLOG stat=9', 17);
    assert.ok(!r.ok);
    assert.equal(r.error.line, 17);
  });

  it('applies settings to the compiled-in defaults', () => {
    const t = ok('MLOGDIR /usr/mmdf/log\nMMSGLOG stat=cycle, size=0');
    const eff = applyLogSettings(MMDF_LOG_DEFAULTS.msg, t.logs.msg!);
    assert.deepEqual(eff, { file: 'msg.log', hdr: 'XX-0000', level: 25, sizeUnits: 0, stat: 0o7 });
    assert.equal(resolveLogPath(eff.file, t.logDir), '/usr/mmdf/log/msg.log');
    assert.equal(resolveLogPath('/tmp/x.log', t.logDir), '/tmp/x.log');
    assert.equal(sizeLimitBytes(eff.sizeUnits), null);
    assert.equal(sizeLimitBytes(40), 1000 * 1024);
    assert.deepEqual(MMDF_LOG_DEFAULTS.auth, { file: 'auth.log', hdr: 'AU-0000', level: 55, sizeUnits: 40, stat: 5 });
  });
});
