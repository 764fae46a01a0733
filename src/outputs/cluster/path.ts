// Path templates of the cluster output: `cluster/%Y/%m/%d/%{log}/%{subcluster}/%{node}`, as
// Momentum's aggregator laid its files out. Values are made safe the way the file output makes
// them (sanitizeValue) and the joined path is checked against the root again.

import path from 'node:path';
import { sanitizeValue } from '../file/path.js';

const FIELDS = ['node', 'subcluster', 'log', 'host'] as const;
type Field = (typeof FIELDS)[number] | 'Y' | 'm' | 'd' | 'H';
type Part = { readonly lit: string } | { readonly field: Field };

export interface PathValues {
  readonly node: string;
  readonly subcluster: string;
  readonly log: string;
  readonly host: string;
  /** ms since the epoch; Y m d H are taken from it in local time. */
  readonly time: number;
}

export function parseClusterTemplate(text: string): { ok: true; parts: readonly Part[] } | { ok: false; error: string } {
  const parts: Part[] = [];
  let lit = '';
  const known = `known: ${FIELDS.map((f) => `%{${f}}`).join(' ')} %Y %m %d %H`;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '%') {
      lit += c;
      continue;
    }
    const next = text[i + 1];
    let field: Field;
    if (next === '%') {
      lit += '%';
      i++;
      continue;
    } else if (next === 'Y' || next === 'm' || next === 'd' || next === 'H') {
      field = next;
      i++;
    } else if (next === '{') {
      const end = text.indexOf('}', i + 2);
      const name = end < 0 ? '' : text.slice(i + 2, end);
      const f = FIELDS.find((x) => x === name);
      if (!f) return { ok: false, error: `unknown placeholder ${end < 0 ? text.slice(i) : `%{${name}}`}; ${known}` };
      field = f;
      i = end;
    } else {
      return { ok: false, error: `unknown placeholder %${next ?? ''}; ${known} (write %% for a literal %)` };
    }
    if (lit) parts.push({ lit });
    lit = '';
    parts.push({ field });
  }
  if (lit) parts.push({ lit });
  if (text.endsWith('/')) return { ok: false, error: 'must name a file, not a directory (it ends with /)' };
  return { ok: true, parts };
}

function rootPrefix(root: string): string {
  const r = path.resolve(root);
  return r.endsWith(path.sep) ? r : r + path.sep;
}

/** Null when the template stays inside `root` whatever the values (sampled as `_`, the worst case). */
export function clusterTemplateProblem(text: string, root: string): string | null {
  const parsed = parseClusterTemplate(text);
  if (!parsed.ok) return parsed.error;
  const sample = path.resolve(root, parsed.parts.map((p) => ('lit' in p ? p.lit : '_')).join(''));
  const prefix = rootPrefix(root);
  return sample.startsWith(prefix) && sample.length > prefix.length ? null
    : `${text} is outside the log root ${path.resolve(root)}; use a path relative to it`;
}

const pad2 = (n: number): string => (n < 10 ? '0' : '') + String(n);

interface Cached {
  readonly path: string | null;
  /** The quarter hour the path holds for ([from, to) in ms); a template without time holds always. */
  readonly from: number;
  readonly to: number;
}

const CACHE_MAX = 4096;
const QUARTER = 15 * 60_000;

export class ClusterPaths {
  private readonly parts: readonly Part[];
  private readonly root: string;
  private readonly prefix: string;
  private readonly usesHost: boolean;
  private readonly usesTime: boolean;
  private readonly cache = new Map<string, Cached>();

  constructor(template: string, root: string) {
    const parsed = parseClusterTemplate(template);
    this.parts = parsed.ok ? parsed.parts : [];
    this.root = path.resolve(root);
    this.prefix = rootPrefix(root);
    this.usesHost = this.parts.some((p) => 'field' in p && p.field === 'host');
    this.usesTime = this.parts.some((p) => 'field' in p && (p.field === 'Y' || p.field === 'm' || p.field === 'd' || p.field === 'H'));
  }

  /** The absolute path for these values, or null when it would fall outside the root. */
  resolve(v: PathValues): string | null {
    if (this.parts.length === 0) return null;
    const t = Number.isFinite(v.time) ? v.time : Date.now();
    // Length-prefixed, so that no two different tuples share a key.
    const key = `${v.node.length}:${v.node}${v.subcluster.length}:${v.subcluster}${v.log.length}:${v.log}` + (this.usesHost ? v.host : '');
    const hit = this.cache.get(key);
    if (hit && t >= hit.from && t < hit.to) return hit.path;
    const d = new Date(t);
    let rel = '';
    for (const p of this.parts) {
      if ('lit' in p) {
        rel += p.lit;
        continue;
      }
      switch (p.field) {
        case 'Y': rel += String(d.getFullYear()); break;
        case 'm': rel += pad2(d.getMonth() + 1); break;
        case 'd': rel += pad2(d.getDate()); break;
        case 'H': rel += pad2(d.getHours()); break;
        default: rel += sanitizeValue(v[p.field]);
      }
    }
    const abs = path.resolve(this.root, rel);
    const out = abs.startsWith(this.prefix) && abs.length > this.prefix.length ? abs : null;
    // Zone offsets are whole quarter hours, so the local Y/m/d/H cannot change inside a quarter.
    const from = this.usesTime ? t - ((d.getMinutes() % 15) * 60_000 + d.getSeconds() * 1000 + d.getMilliseconds()) : -Infinity;
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(key, { path: out, from, to: this.usesTime ? from + QUARTER : Infinity });
    return out;
  }
}
