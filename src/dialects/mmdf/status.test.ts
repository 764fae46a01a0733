import assert from 'node:assert/strict';
import { MMDF_STATUSES, codeClass, statusClass, statusCode, statusText } from './status.js';

describe('dialects/mmdf status', () => {
  it('holds every rp_valstr() name once', () => {
    const names = MMDF_STATUSES.map((s) => s.name);
    assert.deepEqual([...names].sort(), [
      'AGN', 'AOK', 'BADR', 'BCHN', 'BHST', 'DHST', 'DOK', 'DONE', 'EOF', 'FCRT', 'FIO', 'FOPN', 'HOK', 'HUH', 'LIO',
      'LOCK', 'MAST', 'MECH', 'MOK', 'NAUTH', 'NCMD', 'NDEL', 'NET', 'NIO', 'NO', 'NOOP', 'NS', 'OK', 'PARM', 'PROT',
      'RPLY', 'SLAV', 'TIME', 'UCMD', 'USER',
    ]);
    assert.equal(new Set(MMDF_STATUSES.map((s) => s.code)).size, MMDF_STATUSES.length);
  });

  it('classes statuses by their basic bits', () => {
    const byClass = (c: string): string[] => MMDF_STATUSES.filter((s) => statusClass(s.name) === c).map((s) => s.name);
    assert.deepEqual(byClass('success'), ['DONE', 'OK', 'DOK', 'MOK', 'MAST', 'SLAV', 'AOK', 'HOK']);
    assert.deepEqual(byClass('temporary'),
      ['AGN', 'TIME', 'NOOP', 'EOF', 'NET', 'BHST', 'DHST', 'NIO', 'NS', 'FIO', 'FCRT', 'FOPN', 'LIO', 'LOCK']);
    assert.deepEqual(byClass('permanent'),
      ['HUH', 'NCMD', 'PARM', 'UCMD', 'MECH', 'NO', 'PROT', 'RPLY', 'USER', 'NAUTH', 'NDEL', 'BADR', 'BCHN']);
  });

  it('reads and writes illegal codes', () => {
    assert.equal(statusText(0o237), '*** Illegal:  0237');
    assert.equal(statusCode('*** Illegal:  0237'), 0o237);
    assert.equal(statusClass('*** Illegal:  0377'), 'permanent');
    assert.equal(statusClass('*** Illegal:  0007'), 'success');
    assert.equal(statusClass('*** Illegal:  0437'), null);
    assert.equal(statusClass('*** Illegal: 0237'), null);
    assert.equal(statusClass('ok'), null);
    assert.equal(statusText(0o040), 'MOK');
    assert.equal(codeClass(0o221), 'temporary');
  });
});
