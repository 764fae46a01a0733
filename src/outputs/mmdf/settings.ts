// The settings an `mmdf` output runs with: the section's keys over the tailor file's line (when
// tailor_file is set) over MMDF's compiled-in defaults. Pure given the tailor text, so the config
// check and the output's start agree; every problem is reported, tailor errors with their lines.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  MMDF_LOG_DEFAULTS, MMDF_STAT, applyLogSettings, parseTailor, resolveLogPath, type MmdfEffectiveLog, type MmdfLogName,
} from '../../dialects/mmdf/index.js';
import { tailorRecords } from '../../dialects/mmdf/tailor-lex.js';
import type { MmdfOutputConfig } from './config.js';

const KEYWORD: Readonly<Record<MmdfLogName, string>> = { msg: 'MMSGLOG', chan: 'MCHANLOG', ph: 'PHLOG', auth: 'AUTHLOG' };

export interface MmdfSettings {
  /** Absolute path inside the log root. */
  readonly file: string;
  readonly level: number;
  /** The limit in 1 KiB blocks (size × 25); 0 = none. */
  readonly maxBlocks: number;
  readonly stat: number;
  /** Tag for records that are not MMDF lines; null = from the record's program and procid. */
  readonly tag: string | null;
}

export type SettingsResult =
  | { readonly ok: true; readonly value: MmdfSettings }
  | { readonly ok: false; readonly problems: readonly [string, string][] };

/** Reads a tailor file as text; throws the OS error. */
export type ReadText = (file: string) => string;

const readUtf8: ReadText = (file) => readFileSync(file, 'utf8');

export function resolveMmdfSettings(config: MmdfOutputConfig, logRoot: string, read: ReadText = readUtf8): SettingsResult {
  const problems: [string, string][] = [];
  const root = path.resolve(logRoot);
  let tailored: MmdfEffectiveLog | null = null;
  let tailorHdr: string | null = null;
  let fileLines = '';
  const tailorFile = config.tailor_file === '' ? null : path.resolve(config.tailor_file);
  if (tailorFile !== null) {
    let text: string | null = null;
    try {
      text = read(tailorFile);
    } catch (err) {
      problems.push(['tailor_file', `cannot read ${tailorFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
    }
    if (text !== null) {
      const t = parseTailor(text);
      if (!t.ok) {
        for (const e of t.errors) problems.push(['tailor_file', `${tailorFile} line ${e.line}: ${e.message}`]);
      } else {
        const log = config.tailor_log;
        const settings = t.value.logs[log];
        const base = MMDF_LOG_DEFAULTS[log];
        tailored = settings ? applyLogSettings(base, settings) : base;
        tailored = { ...tailored, file: resolveLogPath(tailored.file, t.value.logDir) };
        tailorHdr = settings?.hdr ?? null;
        fileLines = linesNaming(text, log);
      }
    }
  }

  let file: string | null = null;
  if (config.path !== '') {
    file = inside(root, config.path);
    if (file === null) problems.push(['path', `${config.path} is outside the log root ${root}; use a path relative to it`]);
  } else if (tailored !== null) {
    file = inside(root, tailored.file);
    if (file === null) {
      problems.push(['tailor_file', `${tailorFile ?? ''}${fileLines}: the log ${tailored.file} is outside the log root ${root}; ` +
        'set path in this section (it overrides the tailor file) or move log_root']);
    }
  } else if (tailorFile === null) {
    problems.push(['path', 'is required (or name a tailor_file)']);
  }

  if (problems.length > 0 || file === null) return { ok: false, problems };
  const sizeUnits = config.size ?? tailored?.sizeUnits ?? 40;
  return {
    ok: true,
    value: Object.freeze({
      file,
      level: config.level ?? tailored?.level ?? 25,
      maxBlocks: sizeUnits * 25,
      stat: config.stat ?? tailored?.stat ?? MMDF_STAT.some,
      tag: config.tag !== '' ? config.tag : tailorHdr,
    }),
  };
}

/** Problems that need more than one key or the log root, as [key, message]. */
export function checkMmdfOutput(config: MmdfOutputConfig, logRoot: string): [string, string][] {
  const r = resolveMmdfSettings(config, logRoot);
  return r.ok ? [] : [...r.problems];
}

/** `p` resolved against the root when it stays strictly inside it and names a file; else null. */
function inside(root: string, p: string): string | null {
  if (p.endsWith('/')) return null;
  const abs = path.resolve(root, p);
  const rel = path.relative(root, abs);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel) ? abs : null;
}

/** ` (lines 1, 3)`: where MLOGDIR and the log's keyword are, for a message about its path. */
function linesNaming(text: string, log: MmdfLogName): string {
  const want = new Set(['mlogdir', KEYWORD[log].toLowerCase()]);
  const lines = tailorRecords(text).filter((r) => want.has(r.words[0]?.value.toLowerCase() ?? '')).map((r) => r.line);
  return lines.length === 0 ? '' : ` (line${lines.length > 1 ? 's' : ''} ${lines.join(', ')})`;
}
