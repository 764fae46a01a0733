// Reads the INI file and its includes into raw sections. Pure I/O and shape checks: which
// sections exist, in which file; the meaning of each key is checked in validate.ts.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import ini from 'ini';
import type { globSync } from 'glob';
import { lazy } from '../util/lazy.js';
import type { ConfigProblem } from './schema.js';

/** glob, loaded for the first `include` with a pattern. */
const globLib = lazy<{ globSync: typeof globSync }>('glob');

export type SectionKind = 'daemon' | 'input' | 'output' | 'rule' | 'access';
const KINDS: readonly SectionKind[] = ['daemon', 'input', 'output', 'rule', 'access'];
const NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;

export interface RawSection {
  readonly kind: SectionKind;
  /** '' for [daemon]. */
  readonly name: string;
  readonly keys: Record<string, unknown>;
  readonly file: string;
}

export interface RawConfig {
  readonly sections: RawSection[];
  readonly files: string[];
}

/** Parses INI text; `file` names it in problems and anchors relative includes. */
export function loadConfigText(text: string, file: string, problems: ConfigProblem[], depth = 0): RawConfig {
  const sections: RawSection[] = [];
  const files = [file];
  let parsed: Record<string, unknown>;
  try {
    parsed = ini.parse(text);
  } catch (err) {
    problems.push({ section: file, key: '', message: `cannot parse: ${(err as Error).message}` });
    return { sections, files };
  }
  for (const [top, value] of Object.entries(parsed)) {
    if (top === 'include') {
      for (const inc of includes(value, file, problems)) {
        if (depth >= 4) {
          problems.push({ section: file, key: 'include', message: 'includes nest deeper than 4 levels' });
          break;
        }
        const sub = loadConfigFile(inc, problems, depth + 1);
        sections.push(...sub.sections);
        files.push(...sub.files);
      }
      continue;
    }
    if (!isObject(value)) {
      problems.push({ section: file, key: top, message: 'keys outside a section are not allowed (only include = ...)' });
      continue;
    }
    const kind = KINDS.find((k) => k === top);
    if (!kind) {
      problems.push({ section: top, key: '', message: `unknown section kind in ${file}; expected one of [daemon], [input.NAME], [output.NAME], [rule.NAME], [access.NAME]` });
      continue;
    }
    if (kind === 'daemon') {
      sections.push({ kind, name: '', keys: value, file });
      continue;
    }
    for (const [name, keys] of Object.entries(value)) {
      const label = `${kind}.${name}`;
      if (!isObject(keys)) {
        problems.push({ section: kind, key: name, message: `a key directly under [${kind}]; sections are named [${kind}.NAME]` });
      } else if (!NAME_RE.test(name) || Object.values(keys).some(isObject)) {
        problems.push({ section: label, key: '', message: 'section names are 1-64 letters, digits, _ or - (no dots)' });
      } else {
        sections.push({ kind, name, keys, file });
      }
    }
  }
  return { sections, files };
}

export function loadConfigFile(file: string, problems: ConfigProblem[], depth = 0): RawConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    problems.push({ section: file, key: '', message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
    return { sections: [], files: [file] };
  }
  return loadConfigText(text, file, problems, depth);
}

function includes(value: unknown, file: string, problems: ConfigProblem[]): string[] {
  const patterns = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
  const base = path.dirname(path.resolve(file));
  const out: string[] = [];
  for (const p of patterns) {
    const abs = path.resolve(base, p.trim());
    const hits = /[*?[{]/.test(abs) ? globLib().globSync(abs, { nodir: true }).sort() : [abs];
    if (hits.length === 0 && !/[*?[{]/.test(abs)) {
      problems.push({ section: file, key: 'include', message: `${p}: no such file` });
    }
    out.push(...hits);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
