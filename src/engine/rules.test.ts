import assert from 'node:assert/strict';
import { validateSection, type ConfigProblem } from '../config/schema.js';
import { ruleSpec } from './rules.js';
import { FACILITY_ALL, SEVERITY_ALL } from './selectors.js';

const validate = (keys: Record<string, unknown>) => {
  const problems: ConfigProblem[] = [];
  const v = validateSection(ruleSpec, keys, 'rule.x', problems, []);
  return { v, problems: problems.map((p) => `${p.key}: ${p.message}`) };
};

describe('engine/rules [rule.NAME] section', () => {
  it('defaults every condition to "any"', () => {
    const { v, problems } = validate({ outputs: 'all' });
    assert.deepEqual(problems, []);
    assert.equal(v.priority, 100);
    assert.equal(v.enabled, true);
    assert.equal(v.final, false);
    assert.deepEqual([v.inputs, v.host, v.app, v.module].map((l) => [...l]), [['*'], ['*'], ['*'], ['*']]);
    assert.equal(v.facility, FACILITY_ALL);
    assert.equal(v.severity, SEVERITY_ALL);
    assert.equal(v.axigen_level_mask, 31);
  });

  it('parses selectors into masks at load time', () => {
    const { v, problems } = validate({ outputs: 'a, b', facility: 'mail local0', severity: 'warning', host: ['*.example.com', 'mx?'] });
    assert.deepEqual(problems, []);
    assert.equal(v.facility, (1 << 2) | (1 << 16));
    assert.equal(v.severity, 0b11111);
    assert.deepEqual([...v.host], ['*.example.com', 'mx?']);
    assert.deepEqual([...v.outputs], ['a', 'b']);
  });

  it('reports every problem at once', () => {
    const { problems } = validate({ severity: 'loud', facility: 'mial', axigen_level_mask: '32', outputs: '', final: 'sometimes', host: 'café' });
    assert.deepEqual(problems, [
      'host: "café": patterns may hold only printable ASCII without spaces',
      'facility: "mial": not a facility (a name such as mail or local0, or 0..23)',
      'severity: "loud": not a severity (emerg alert crit err warning notice info debug or 0..7)',
      'axigen_level_mask: must be <= 31',
      'outputs: must list at least one value',
      'final: expected true or false, got "sometimes"',
    ]);
  });

  it('requires outputs', () => {
    assert.deepEqual(validate({}).problems, ['outputs: is required']);
  });
});
