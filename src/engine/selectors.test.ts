import assert from 'node:assert/strict';
import { FACILITY_ALL, SEVERITY_ALL, parseFacilitySelector, parseSeveritySelector } from './selectors.js';

const levels = (mask: number | string) => {
  assert.equal(typeof mask, 'number', String(mask));
  return [0, 1, 2, 3, 4, 5, 6, 7].filter((s) => ((mask as number) >>> s) & 1);
};

describe('engine/selectors', () => {
  it('reads a level as that level and more severe', () => {
    assert.deepEqual(levels(parseSeveritySelector(['info'])), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(levels(parseSeveritySelector(['err'])), [0, 1, 2, 3]);
    assert.deepEqual(levels(parseSeveritySelector(['debug'])), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(levels(parseSeveritySelector(['0'])), [0]);
  });

  it('reads =level as exactly that level, and lists add up', () => {
    assert.deepEqual(levels(parseSeveritySelector(['=info'])), [6]);
    assert.deepEqual(levels(parseSeveritySelector(['=info', '=debug'])), [6, 7]);
    assert.deepEqual(levels(parseSeveritySelector(['crit', '=notice'])), [0, 1, 2, 5]);
  });

  it('reads !level as removing exactly that level', () => {
    assert.deepEqual(levels(parseSeveritySelector(['!debug'])), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(levels(parseSeveritySelector(['!=info'])), [0, 1, 2, 3, 4, 5, 7]);
    assert.deepEqual(levels(parseSeveritySelector(['warning', '!err'])), [0, 1, 2, 4]);
  });

  it('accepts aliases, any case and *', () => {
    assert.deepEqual(levels(parseSeveritySelector(['=WARN'])), [4]);
    assert.deepEqual(levels(parseSeveritySelector(['=Error'])), [3]);
    assert.equal(parseSeveritySelector(['*']), SEVERITY_ALL);
  });

  it('explains bad items', () => {
    assert.match(parseSeveritySelector(['loud']) as string, /"loud": not a severity/);
    assert.match(parseSeveritySelector(['=8']) as string, /not a severity/);
    assert.match(parseSeveritySelector([]) as string, /must not be empty/);
  });

  it('reads facilities by name and number', () => {
    assert.equal(parseFacilitySelector(['mail']), 1 << 2);
    assert.equal(parseFacilitySelector(['mail', 'local0', '23']), (1 << 2) | (1 << 16) | (1 << 23));
    assert.equal(parseFacilitySelector(['*']), FACILITY_ALL);
    assert.match(parseFacilitySelector(['mial']) as string, /"mial": not a facility/);
  });
});
