import assert from 'node:assert/strict';
import { EMG_LEVELS, EmgLevel, emgFile, emgLogged, emgToSeverity, formatEmgLevel, parseEmgLevel, severityToEmg } from './emg.js';

describe('levels/emg', () => {
  it('sends INFO and more severe to general, DEBUG and DEBUG2 to debug', () => {
    const files = Object.fromEntries(EMG_LEVELS.map((l) => [l.name, emgFile(l.code)]));
    assert.deepEqual(files, { FATAL: 'general', ERROR: 'general', WARNING: 'general', INFO: 'general', DEBUG: 'debug', DEBUG2: 'debug' });
  });

  it('logs a level and everything more severe', () => {
    assert.equal(emgLogged(EmgLevel.ERROR, EmgLevel.INFO), true);
    assert.equal(emgLogged(EmgLevel.DEBUG, EmgLevel.INFO), false);
    assert.equal(emgLogged(EmgLevel.DEBUG2, EmgLevel.DEBUG2), true);
    assert.equal(emgLogged(EmgLevel.DEBUG2, EmgLevel.DEBUG), false);
  });

  it('maps to syslog severities and back without producing FATAL', () => {
    assert.deepEqual(EMG_LEVELS.map((l) => emgToSeverity(l.code)), [2, 3, 4, 6, 7, 7]);
    const back = [0, 1, 2, 3, 4, 5, 6, 7].map((s) => formatEmgLevel(severityToEmg(s)!));
    assert.deepEqual(back, ['ERROR', 'ERROR', 'ERROR', 'ERROR', 'WARNING', 'INFO', 'INFO', 'DEBUG']);
  });

  it('parses names in any case, with or without brackets', () => {
    assert.equal(parseEmgLevel('debug2'), EmgLevel.DEBUG2);
    assert.equal(parseEmgLevel('[INFO]'), EmgLevel.INFO);
    assert.equal(parseEmgLevel('Warning'), EmgLevel.WARNING);
    assert.equal(parseEmgLevel('DEBUG3'), null);
    assert.equal(formatEmgLevel(99), null);
  });
});
