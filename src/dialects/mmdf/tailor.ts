// The log settings of an mmdftailor file, after tai_log() and m_tai(): `MLOGDIR <dir>` and
// `MMSGLOG`/`MCHANLOG`/`PHLOG`/`AUTHLOG` followed by an optional file name (a bare word, first
// only) and `hdr=`, `level=`, `size=`, `stat=` in any order. Keywords, level names and stat names
// are matched in any case. `level=` is a name or decimal; `size=` is decimal, in units of 25 KiB
// (0 = no limit); `stat=` is an octal number, which replaces the switches, or a name (close, cycle,
// wait, some, timed), whose bits are OR-ed in, so several `stat=` add up. Other keywords of the
// tailor file are not log settings; they are listed in `skipped`. Every error is reported, with
// the line it is on.

import { MMDF_LEVELS, MMDF_MAX } from '../../levels/mmdf.js';
import { tailorRecords, type TailorRecord, type TailorWord } from './tailor-lex.js';

/** The stat switch bits (h/ll_log.h). `timed` (014) holds the wait bit too. */
export const MMDF_STAT = { close: 0o01, cycle: 0o02, wait: 0o04, some: 0o05, timed: 0o14 } as const;

export type MmdfLogName = 'msg' | 'chan' | 'ph' | 'auth';

const KEYWORDS: Readonly<Record<string, MmdfLogName>> = {
  mmsglog: 'msg', mchanlog: 'chan', phlog: 'ph', authlog: 'auth',
};

/** What one or more tailor lines set for a log; null where nothing was said. */
export interface MmdfLogSettings {
  readonly file: string | null;
  readonly hdr: string | null;
  readonly level: number | null;
  /** `size=`: the limit in units of 25 KiB blocks; 0 means no limit. */
  readonly sizeUnits: number | null;
  /** The last octal `stat=`, which replaces the switches; null when none was given. */
  readonly statSet: number | null;
  /** Bits of named `stat=` values after the last octal one, OR-ed in. */
  readonly statAdd: number;
}

export interface MmdfTailor {
  /** `MLOGDIR`: where relative log file names live. */
  readonly logDir: string | null;
  readonly logs: Readonly<Partial<Record<MmdfLogName, MmdfLogSettings>>>;
  /** Keywords that are not log settings, with their lines. */
  readonly skipped: readonly { readonly line: number; readonly keyword: string }[];
}

export interface MmdfTailorError {
  readonly line: number;
  readonly message: string;
}

export type MmdfTailorResult =
  | { readonly ok: true; readonly value: MmdfTailor }
  | { readonly ok: false; readonly errors: readonly MmdfTailorError[] };

const EMPTY: MmdfLogSettings = { file: null, hdr: null, level: null, sizeUnits: null, statSet: null, statAdd: 0 };
const levelByName = new Map<string, number>(MMDF_LEVELS.map((l) => [l.name.toLowerCase(), l.value]));
const statByName = new Map<string, number>(Object.entries(MMDF_STAT));

type Parsed = { ok: true; value: MmdfLogSettings } | { ok: false; message: string };

/** The settings one log keyword's arguments give (the words after the keyword). */
function parseArgs(args: readonly TailorWord[]): Parsed {
  let s: MmdfLogSettings = EMPTY;
  for (const [i, w] of args.entries()) {
    if (w.key === null) {
      if (i !== 0) return { ok: false, message: `'${w.value}': a file name must come first` };
      s = { ...s, file: w.value };
      continue;
    }
    const r = applyKey(s, w.key.toLowerCase(), w.value);
    if (typeof r === 'string') return { ok: false, message: r };
    s = r;
  }
  return { ok: true, value: s };
}

function applyKey(s: MmdfLogSettings, key: string, v: string): MmdfLogSettings | string {
  switch (key) {
    case 'hdr': return { ...s, hdr: v };
    case 'level': {
      const n = /^\d+$/.test(v) ? Number(v) : levelByName.get(v.toLowerCase());
      if (n === undefined) return `level '${v}': not a level name (fat, tmp, gen, bst, fst, ptr, btr, ftr) or number`;
      if (n > MMDF_MAX) return `level ${v}: above ${MMDF_MAX}`;
      return { ...s, level: n };
    }
    case 'size':
      if (!/^\d{1,9}$/.test(v)) return `size '${v}': not a decimal number`;
      return { ...s, sizeUnits: Number(v) };
    case 'stat': {
      if (/^\d/.test(v)) {
        if (!/^[0-7]{1,6}$/.test(v)) return `stat '${v}': not an octal number`;
        return { ...s, statSet: Number.parseInt(v, 8), statAdd: 0 };
      }
      const bits = statByName.get(v.toLowerCase());
      if (bits === undefined) return `stat '${v}': not close, cycle, wait, some or timed`;
      return { ...s, statAdd: s.statAdd | bits };
    }
    default: return `unknown key '${key}' (hdr, level, size, stat)`;
  }
}

/** `b` applied after `a`, as a second tailor line for the same log is. */
function merge(a: MmdfLogSettings, b: MmdfLogSettings): MmdfLogSettings {
  return {
    file: b.file ?? a.file, hdr: b.hdr ?? a.hdr, level: b.level ?? a.level, sizeUnits: b.sizeUnits ?? a.sizeUnits,
    statSet: b.statSet ?? a.statSet, statAdd: b.statSet === null ? a.statAdd | b.statAdd : b.statAdd,
  };
}

/** What one tailor record says. */
export type MmdfTailorEntry =
  | { readonly kind: 'blank' }
  | { readonly kind: 'logdir'; readonly dir: string }
  | { readonly kind: 'log'; readonly log: MmdfLogName; readonly settings: MmdfLogSettings }
  | { readonly kind: 'other'; readonly keyword: string };

export type MmdfTailorLineResult =
  | { readonly ok: true; readonly value: MmdfTailorEntry }
  | { readonly ok: false; readonly error: MmdfTailorError };

/** Reads one tailor record (a line and its continuation lines); `line` numbers the error. */
export function parseTailorLine(text: string, line = 1): MmdfTailorLineResult {
  const recs = tailorRecords(text);
  const rec = recs[0];
  if (rec === undefined) return { ok: true, value: { kind: 'blank' } };
  if (recs.length > 1) return { ok: false, error: { line: line + recs[1]!.line - 1, message: 'more than one record' } };
  const r = readRecord({ ...rec, line: line + rec.line - 1 });
  return 'message' in r ? { ok: false, error: r } : { ok: true, value: r };
}

/** Reads the log settings of a whole tailor file. */
export function parseTailor(text: string): MmdfTailorResult {
  const errors: MmdfTailorError[] = [];
  const skipped: { line: number; keyword: string }[] = [];
  const logs: Partial<Record<MmdfLogName, MmdfLogSettings>> = {};
  let logDir: string | null = null;
  for (const rec of tailorRecords(text)) {
    const r = readRecord(rec);
    if ('message' in r) errors.push(r);
    else if (r.kind === 'logdir') logDir = r.dir;
    else if (r.kind === 'other') skipped.push({ line: rec.line, keyword: r.keyword });
    else if (r.kind === 'log') logs[r.log] = merge(logs[r.log] ?? EMPTY, r.settings);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { logDir, logs, skipped } };
}

function readRecord(rec: TailorRecord): MmdfTailorEntry | MmdfTailorError {
  if (rec.error !== null) return { line: rec.line, message: rec.error };
  const [first, ...args] = rec.words;
  if (first === undefined) return { kind: 'blank' };
  if (first.key !== null) return { line: rec.line, message: `'${first.key}=${first.value}' where a keyword was expected` };
  const keyword = first.value.toLowerCase();
  if (keyword === 'mlogdir') {
    const [dir, ...extra] = args;
    if (dir === undefined || dir.key !== null || extra.length > 0) return { line: rec.line, message: 'MLOGDIR takes one directory' };
    return { kind: 'logdir', dir: dir.value };
  }
  const log = KEYWORDS[keyword];
  if (log === undefined) return { kind: 'other', keyword: first.value };
  const p = parseArgs(args);
  return p.ok ? { kind: 'log', log, settings: p.value } : { line: rec.line, message: `${first.value}: ${p.message}` };
}

/** A log's settings in effect: compiled-in defaults with the tailor's settings applied. */
export interface MmdfEffectiveLog {
  readonly file: string;
  readonly hdr: string;
  readonly level: number;
  readonly sizeUnits: number;
  readonly stat: number;
}

/**
 * Compiled-in defaults (conf.c: file, hdr, level, size, stat). PHLOG's are not in the source read;
 * ph.log is the name setlogs rotates, the rest mirrors chan.log's.
 */
export const MMDF_LOG_DEFAULTS: Readonly<Record<MmdfLogName, MmdfEffectiveLog>> = {
  msg: { file: 'msg.log', hdr: 'XX-0000', level: 25, sizeUnits: 40, stat: MMDF_STAT.some },
  chan: { file: 'chan.log', hdr: 'UA-0000', level: 25, sizeUnits: 40, stat: MMDF_STAT.some },
  ph: { file: 'ph.log', hdr: 'UA-0000', level: 25, sizeUnits: 40, stat: MMDF_STAT.some },
  auth: { file: 'auth.log', hdr: 'AU-0000', level: 55, sizeUnits: 40, stat: MMDF_STAT.some },
};

export function applyLogSettings(base: MmdfEffectiveLog, s: MmdfLogSettings): MmdfEffectiveLog {
  return {
    file: s.file ?? base.file, hdr: s.hdr ?? base.hdr, level: s.level ?? base.level,
    sizeUnits: s.sizeUnits ?? base.sizeUnits, stat: (s.statSet ?? base.stat) | s.statAdd,
  };
}

/** A relative file name joined to MLOGDIR, as dupfpath() does; an absolute one as it is. */
export function resolveLogPath(file: string, logDir: string | null): string {
  if (file.startsWith('/') || logDir === null || logDir === '') return file;
  return logDir.endsWith('/') ? logDir + file : `${logDir}/${file}`;
}

/** The size limit in bytes (units × 25 blocks of 1 KiB); null for no limit. */
export function sizeLimitBytes(sizeUnits: number): number | null {
  return sizeUnits <= 0 ? null : sizeUnits * 25 * 1024;
}
