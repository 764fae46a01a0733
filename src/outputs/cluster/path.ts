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

export class ClusterPaths {
  private readonly parts: readonly Part[];
  private readonly root: string;
  private readonly prefix: string;

  constructor(template: string, root: string) {
    const parsed = parseClusterTemplate(template);
    this.parts = parsed.ok ? parsed.parts : [];
    this.root = path.resolve(root);
    this.prefix = rootPrefix(root);
  }

  /** The absolute path for these values, or null when it would fall outside the root. */
  resolve(v: PathValues): string | null {
    if (this.parts.length === 0) return null;
    const d = new Date(Number.isFinite(v.time) ? v.time : Date.now());
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
    return abs.startsWith(this.prefix) && abs.length > this.prefix.length ? abs : null;
  }
}
