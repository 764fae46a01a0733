import { list, oneOf, str } from '../../config/schema.js';
import { DIALECT_MODES } from '../../dialects/recognise.js';
import { facilityFromName } from '../../levels/syslog.js';

export const journalInputSpec = {
  facilities: list(['mail'], 'Syslog facilities to read (names or numbers); empty = every entry, including those with no facility.',
    (f) => (/^\d+$/.test(f) && Number(f) <= 23) || facilityFromName(f) !== null ? null : 'not a facility'),
  identifiers: list([], 'SYSLOG_IDENTIFIER values to read (postfix/smtpd, dovecot); empty = any.'),
  cursor_file: str('', 'Where the position is kept, relative to state_dir; empty = journal.<input name>.cursor. A restart resumes after it.'),
  start_at: oneOf(['end', 'beginning'], 'end', 'Where a first start (no cursor yet) begins: end (new entries only) or beginning (everything the journal holds).'),
  journalctl: str('journalctl', 'The journalctl program.', { nonEmpty: true }),
  directory: str('', 'Read the journal files of this directory (journalctl --directory) instead of the system journal.'),
  files: list([], 'Read these journal files (journalctl --file) instead of the system journal.'),
  dialect: oneOf(DIALECT_MODES, 'auto',
    'Legacy line recognition: auto (Momentum, EMG, MMDF, Axigen lines by their shape), none, or one dialect by name.'),
} as const;
