// Keys of the `mmdf` output. `level`, `size` and `stat` default to null here so that a key given in
// the section can be told from one left out: a left-out key takes the tailor file's value when
// `tailor_file` is set, else MMDF's compiled-in default (FST, 40, some). settings.ts resolves them.

import { bool, int, octalMode, oneOf, str, type Field, type SpecValue } from '../../config/schema.js';
import { MMDF_STAT } from '../../dialects/mmdf/index.js';
import { MMDF_MAX, parseMmdfLevel } from '../../levels/mmdf.js';

/** Every stat bit MMDF gives a meaning: close 01, cycle 02, wait 04, timed 010. */
export const STAT_BITS = 0o17;

const okv = <T>(value: T) => ({ ok: true as const, value });
const bad = (error: string) => ({ ok: false as const, error });

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  return undefined;
}

function optional<T>(kind: string, doc: string, defaultText: string,
  parse: (s: string) => { ok: true; value: T } | { ok: false; error: string }): Field<T | null> {
  return {
    kind, doc, default: null, defaultText,
    parse(v) {
      const s = scalar(v);
      return s === undefined || s === '' ? bad('expected a single value') : parse(s);
    },
  };
}

/** `stat`: names OR-ed (`close,cycle`) or one octal number (`014`), as the tailor file's `stat=`. */
export function parseStat(s: string): { ok: true; value: number } | { ok: false; error: string } {
  if (/^\d/.test(s)) {
    if (!/^[0-7]{1,6}$/.test(s)) return bad(`${JSON.stringify(s)}: an octal number such as 05 or 014 expected`);
    const n = Number.parseInt(s, 8);
    if ((n & ~STAT_BITS) !== 0) return bad(`${s}: only the bits 01 (close), 02 (cycle), 04 (wait) and 010 (timed) mean anything`);
    return okv(n);
  }
  let bits = 0;
  for (const name of s.split(/[\s,|]+/)) {
    if (name === '') continue;
    const b = (MMDF_STAT as Record<string, number>)[name.toLowerCase()];
    if (b === undefined) return bad(`${JSON.stringify(name)}: expected close, cycle, wait, some or timed (or an octal number)`);
    bits |= b;
  }
  return okv(bits);
}

export const mmdfOutputSpec = {
  path: str('', 'Log file, relative to log_root (an absolute path must lie inside it). Required unless tailor_file names ' +
    "the log; when both do, this key wins. MMDF opens logs without O_CREAT (a missing log is disabled); this output " +
    'creates the file, with file_mode, unless create = false.'),
  level: optional('mmdf level', 'Verbosity threshold: fat, tmp, gen, bst, fst, ptr, btr, ftr (any case) or a number -1..126. ' +
    "An entry is written when its MMDF value is <= level. A record's value is its native MMDF level, else its syslog " +
    'severity mapped (emerg..crit → FAT, err/warning → TMP, notice → GEN, info → BST, debug → PTR).',
  'FST (or the tailor file\'s)', (s) => {
    const n = parseMmdfLevel(s);
    return n === null ? bad(`${JSON.stringify(s)}: expected fat, tmp, gen, bst, fst, ptr, btr, ftr or a number -1..${MMDF_MAX}`) : okv(n);
  }),
  size: optional('integer', 'Size limit in units of 25 blocks of 1 KiB (25,600 bytes); 0 = no limit. Full means ' +
    'ceil(file bytes / 1024) >= size × 25, checked before every entry, as MMDF measures it.', '40 (or the tailor file\'s)', (s) => {
    if (!/^\d{1,7}$/.test(s)) return bad(`${JSON.stringify(s)}: expected a whole number 0..9999999`);
    return okv(Number(s));
  }),
  stat: optional('mmdf stat', 'How the log is kept: close (open, write, close for every batch), cycle (wrap to the start ' +
    'when full instead of stopping), wait (accepted, no effect), some (= close,wait), timed (keep open, reopen every ' +
    'timed_reopen_secs); names are OR-ed (`close,cycle`), or give one octal number (`014`).', 'some (or the tailor file\'s)', parseStat),
  file_mode: octalMode(0o622, 'Mode of a log file this output creates, applied exactly (umask ignored): 0622, as MMDF logs ' +
    'are, lets anyone write and only the owner read. A file that exists keeps its mode.'),
  dir_mode: octalMode(0o755, 'Mode of directories this output creates, applied exactly. Searchable by all, since MMDF ' +
    'programs running as other users write into a 0622 log.'),
  tag: str('', 'Entry tag for records that are not MMDF lines already, written verbatim. Empty: the tailor file\'s hdr= ' +
    "when it has one, else `%-6.6s%04d` of the record's program and procid (`postfi0042`), as ll_hdinit() builds it."),
  create: bool(true, 'Create a missing log file (and its directories). false = MMDF\'s own behaviour: a missing file ' +
    'disables the log (entries counted as discarded.missing) until it appears; every batch looks again.'),
  tailor_file: str('', 'An MMDF tailor file (mmdftailor) to take this log\'s file, level, size, stat and hdr from, read at ' +
    'start: MLOGDIR and the MMSGLOG / MCHANLOG / PHLOG / AUTHLOG line that tailor_log names; other lines are ignored. A ' +
    'relative name is taken from the working directory, as log_root is. Keys given in this section override it.'),
  tailor_log: oneOf(['msg', 'chan', 'ph', 'auth'], 'msg', 'Which tailor line to use: msg (MMSGLOG), chan (MCHANLOG), ph (PHLOG), auth (AUTHLOG).'),
  timed_reopen_secs: int(300, 'With stat timed: close and reopen the file when it was opened longer ago than this ' +
    '(MMDF\'s LLTIMEOUT, 5 × 60 s), so a log moved aside is soon replaced.', { min: 1, max: 86400 }),
} as const;

export type MmdfOutputConfig = SpecValue<typeof mmdfOutputSpec>;
