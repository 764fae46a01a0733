// Path templates of the file output. A template such as `%{host}/%Y-%m-%d.log` is compiled once;
// each record then resolves to an absolute path inside the log root. Every substituted value is
// made into a harmless piece of one path segment (no `/`, `\`, NUL or control characters, never
// `.`, `..` or empty), and the joined path is checked against the root again, so no record can
// name a file outside it.

import path from 'node:path';
import type { LogRecord } from '../../record.js';

export const TEMPLATE_FIELDS = ['host', 'app', 'program', 'facility', 'severity', 'input'] as const;
type NamedField = (typeof TEMPLATE_FIELDS)[number];
type TimeField = 'Y' | 'm' | 'd' | 'H';
type TemplateField = NamedField | TimeField;

type Part = { readonly lit: string } | { readonly field: TemplateField };

const TIME_FIELDS: readonly string[] = ['Y', 'm', 'd', 'H'];

/** Longest substituted value, in UTF-8 bytes; a file name segment may be at most 255. */
export const MAX_VALUE_BYTES = 200;

const FACILITY_NAMES: readonly string[] = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv',
  'ftp', 'ntp', 'security', 'console', 'solaris-cron',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
];
const SEVERITY_NAMES: readonly string[] = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

/** Parses a template into literal and field parts, or says what is wrong with it. */
export function parseTemplate(text: string): { ok: true; parts: readonly Part[] } | { ok: false; error: string } {
  const parts: Part[] = [];
  let lit = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '%') {
      lit += c;
      continue;
    }
    const next = text[i + 1];
    if (next === '%') {
      lit += '%';
      i++;
      continue;
    }
    let field: TemplateField;
    if (next !== undefined && TIME_FIELDS.includes(next)) {
      field = next as TimeField;
      i++;
    } else if (next === '{') {
      const end = text.indexOf('}', i + 2);
      const name = end < 0 ? '' : text.slice(i + 2, end);
      const known = TEMPLATE_FIELDS.find((f) => f === name);
      if (!known) return { ok: false, error: `unknown placeholder ${end < 0 ? text.slice(i) : `%{${name}}`}; known: ${describeFields()}` };
      field = known;
      i = end;
    } else {
      return { ok: false, error: `unknown placeholder %${next ?? ''}; known: ${describeFields()} (write %% for a literal %)` };
    }
    if (lit) parts.push({ lit });
    lit = '';
    parts.push({ field });
  }
  if (lit) parts.push({ lit });
  if (parts.length === 0) return { ok: false, error: 'must not be empty' };
  if (text.endsWith('/')) return { ok: false, error: 'must name a file, not a directory (it ends with /)' };
  return { ok: true, parts };
}

function describeFields(): string {
  return [...TEMPLATE_FIELDS.map((f) => `%{${f}}`), '%Y', '%m', '%d', '%H'].join(' ');
}

/**
 * Checks that a template stays inside `root` whatever the records contain; null when it does.
 * Fields are sampled as `_`, which is what the worst value (`..`, empty) becomes.
 */
export function templateProblem(text: string, root: string): string | null {
  const parsed = parseTemplate(text);
  if (!parsed.ok) return parsed.error;
  const sample = parsed.parts.map((p) => ('lit' in p ? p.lit : '_')).join('');
  if (!isInside(path.resolve(root, sample), rootPrefix(root))) {
    return `${text} is outside the log root ${path.resolve(root)}; use a path relative to it`;
  }
  return null;
}

/**
 * Makes a field value safe as part of one path segment: separators, NUL and control characters
 * become `_`, `.`/`..`/empty become `_`, and long values are cut at MAX_VALUE_BYTES.
 */
export function sanitizeValue(value: string): string {
  let v = value;
  if (v.length * 3 > MAX_VALUE_BYTES && Buffer.byteLength(v) > MAX_VALUE_BYTES) v = cutUtf8(v, MAX_VALUE_BYTES);
  v = v.replace(/[\x00-\x1f\x7f-\x9f/\\]/g, '_');
  return v === '' || v === '.' || v === '..' ? '_' : v;
}

function cutUtf8(v: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const ch of v) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > maxBytes) break;
    bytes += n;
    end += ch.length;
  }
  return v.slice(0, end);
}

function rootPrefix(root: string): string {
  const r = path.resolve(root);
  return r.endsWith(path.sep) ? r : r + path.sep;
}

function isInside(resolved: string, prefix: string): boolean {
  return resolved.startsWith(prefix) && resolved.length > prefix.length;
}

const pad2 = (n: number): string => (n < 10 ? '0' : '') + String(n);

/** Turns records into absolute file paths; one per output. */
export class PathResolver {
  private readonly parts: readonly Part[];
  private readonly prefix: string;
  private readonly root: string;
  /** The one path of a template without fields (null: it lies outside the root; undefined: has fields). */
  readonly fixed: string | null | undefined;
  private readonly cache = new Map<string, string | null>();
  private readonly cacheMax: number;
  private readonly usesTime: boolean;
  /** The field of a template that has exactly one (its value is the cache key). */
  private readonly single: TemplateField | null;
  // The local calendar hour around the last record time seen: [winStart, winEnd) keeps Y/m/d/H.
  private winStart = 0;
  private winEnd = 0;
  private time = { Y: '', m: '', d: '', H: '' };

  constructor(template: string, root: string, cacheMax = 4096) {
    const parsed = parseTemplate(template);
    this.parts = parsed.ok ? parsed.parts : [];
    this.root = path.resolve(root);
    this.prefix = rootPrefix(root);
    this.cacheMax = cacheMax;
    this.usesTime = this.parts.some((p) => 'field' in p && TIME_FIELDS.includes(p.field));
    const fields = this.parts.flatMap((p) => ('field' in p ? [p.field] : []));
    const hasFields = fields.length > 0;
    this.single = fields.length === 1 ? fields[0]! : null;
    // A template that failed to parse resolves nowhere; config validation reports it.
    this.fixed = !parsed.ok ? null : hasFields ? undefined : this.join(this.parts.map((p) => ('lit' in p ? p.lit : '')).join(''));
  }

  /** The absolute path for this record, or null when it would fall outside the log root. */
  resolve(rec: LogRecord): string | null {
    if (this.fixed !== undefined) return this.fixed;
    if (this.usesTime) this.setTime(Number.isFinite(rec.time) ? rec.time : rec.receivedAt);
    let key: string;
    if (this.single !== null) key = this.raw(this.single, rec);
    else {
      // Length-prefixed, so that no two different tuples of values share a key.
      key = '';
      for (const p of this.parts) {
        if (!('field' in p)) continue;
        const v = this.raw(p.field, rec);
        key += `${v.length}:${v}`;
      }
    }
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    let rel = '';
    for (const p of this.parts) rel += 'lit' in p ? p.lit : sanitizeValue(this.raw(p.field, rec));
    const out = this.join(rel);
    if (this.cache.size >= this.cacheMax) this.cache.clear();
    this.cache.set(key, out);
    return out;
  }

  private join(rel: string): string | null {
    const abs = path.resolve(this.root, rel);
    return isInside(abs, this.prefix) ? abs : null;
  }

  private raw(f: TemplateField, rec: LogRecord): string {
    switch (f) {
      case 'host': return rec.hostname;
      case 'app': return rec.app;
      case 'program': return rec.program;
      case 'facility': return FACILITY_NAMES[rec.facility] ?? String(rec.facility);
      case 'severity': return SEVERITY_NAMES[rec.severity] ?? String(rec.severity);
      case 'input': return rec.input;
      case 'Y': case 'm': case 'd': case 'H': return this.time[f];
    }
  }

  private setTime(t: number): void {
    if (t >= this.winStart && t < this.winEnd) return;
    const d = new Date(t);
    // Zone offsets are whole quarter hours, so the local Y/m/d/H cannot change inside a quarter.
    this.winStart = t - ((d.getMinutes() % 15) * 60_000 + d.getSeconds() * 1000 + d.getMilliseconds());
    this.winEnd = this.winStart + 15 * 60_000;
    this.time = { Y: String(d.getFullYear()), m: pad2(d.getMonth() + 1), d: pad2(d.getDate()), H: pad2(d.getHours()) };
  }
}
