// Shell-style globs for host and app names: `*` is any run of characters, `?` one character,
// everything else literal. Matching ignores case (host names are case-insensitive, and admins
// write `smtp-in` for Axigen's `SMTP-IN`). Globs compile once to the cheapest test that is exact
// for them (equality, prefix, suffix, substring) and to a RegExp only when none is.

export type GlobKind = 'any' | 'exact' | 'prefix' | 'suffix' | 'contains' | 'regexp';

export interface Glob {
  readonly source: string;
  readonly kind: GlobKind;
  /** Lower-cased literal part for the string tests; '' for any/regexp. */
  readonly text: string;
  readonly re: RegExp | null;
}

const GLOB_CHARS = /^[\x21-\x7e]+$/;

/** null when the pattern can be used; otherwise why not. */
export function checkGlob(pattern: string): string | null {
  if (pattern === '') return 'empty pattern';
  if (!GLOB_CHARS.test(pattern)) return 'patterns may hold only printable ASCII without spaces';
  return null;
}

export function compileGlob(pattern: string): Glob {
  const p = pattern.toLowerCase();
  const g = (kind: GlobKind, text: string, re: RegExp | null = null): Glob => ({ source: pattern, kind, text, re });
  if (/^\*+$/.test(p)) return g('any', '');
  if (!p.includes('?')) {
    const inner = p.replace(/^\*+|\*+$/g, '');
    if (!inner.includes('*')) {
      const lead = p.startsWith('*');
      const trail = p.endsWith('*');
      if (lead && trail) return g('contains', inner);
      if (lead) return g('suffix', inner);
      if (trail) return g('prefix', inner);
      return g('exact', inner);
    }
  }
  const body = p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*+/g, '.*').replace(/\?/g, '.');
  return g('regexp', '', new RegExp(`^${body}$`, 's'));
}

/** `s` must already be lower-case: callers lower a name once and test it against many globs. */
export function globMatches(g: Glob, s: string): boolean {
  switch (g.kind) {
    case 'any': return true;
    case 'exact': return s === g.text;
    case 'prefix': return s.startsWith(g.text);
    case 'suffix': return s.endsWith(g.text);
    case 'contains': return s.includes(g.text);
    case 'regexp': return g.re!.test(s);
  }
}

/** True when any glob in the list matches the lower-case `s`. */
export function anyGlobMatches(globs: readonly Glob[], s: string): boolean {
  for (const g of globs) if (globMatches(g, s)) return true;
  return false;
}

/** True when the list matches every string (it holds a `*`). */
export function globsMatchAll(globs: readonly Glob[]): boolean {
  return globs.some((g) => g.kind === 'any');
}
