// A small schema language for config sections. Each component declares its keys here, with the
// default beside the key and a line of documentation; validation reports every problem at once
// and returns a frozen, typed value. The same spelling is used in the INI file and in TypeScript.

export interface ConfigProblem {
  /** `input.udp`, `daemon`, ... */
  readonly section: string;
  /** The key, or '' for a problem with the whole section. */
  readonly key: string;
  readonly message: string;
}

export function formatProblem(p: ConfigProblem): string {
  return p.key ? `[${p.section}] ${p.key}: ${p.message}` : `[${p.section}]: ${p.message}`;
}

interface FieldBase<T> {
  readonly kind: string;
  readonly doc: string;
  /** undefined = required. */
  readonly default: T | undefined;
  /** Converts an INI value (string, boolean or string[]) or returns an error message. */
  parse(value: unknown): { ok: true; value: T } | { ok: false; error: string };
  /** How the default is written in the docs. */
  readonly defaultText: string;
}
export type Field<T> = FieldBase<T>;
export type Spec = Readonly<Record<string, Field<unknown>>>;
export type SpecValue<S extends Spec> = { readonly [K in keyof S]: S[K] extends Field<infer T> ? T : never };

function field<T>(kind: string, doc: string, def: T | undefined, defaultText: string,
  parse: FieldBase<T>['parse']): Field<T> {
  return { kind, doc, default: def, parse, defaultText };
}

const ok = <T>(value: T) => ({ ok: true as const, value });
const bad = (error: string) => ({ ok: false as const, error });

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return String(v);
  return undefined;
}

export function str(def: string | undefined, doc: string, opts: { nonEmpty?: boolean } = {}): Field<string> {
  return field('string', doc, def, def === undefined ? '(required)' : JSON.stringify(def), (v) => {
    const s = scalar(v);
    if (s === undefined) return bad('expected a single value');
    if (opts.nonEmpty && s === '') return bad('must not be empty');
    return ok(s);
  });
}

export function int(def: number | undefined, doc: string, range: { min?: number; max?: number } = {}): Field<number> {
  return field('integer', doc, def, def === undefined ? '(required)' : String(def), (v) => {
    const s = scalar(v);
    if (s === undefined || !/^[+-]?\d+$/.test(s)) return bad(`expected an integer, got ${JSON.stringify(v)}`);
    const n = Number(s);
    if (!Number.isSafeInteger(n)) return bad('integer out of range');
    if (range.min !== undefined && n < range.min) return bad(`must be >= ${range.min}`);
    if (range.max !== undefined && n > range.max) return bad(`must be <= ${range.max}`);
    return ok(n);
  });
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);
export function bool(def: boolean | undefined, doc: string): Field<boolean> {
  return field('boolean', doc, def, def === undefined ? '(required)' : String(def), (v) => {
    const s = scalar(v)?.toLowerCase();
    if (s !== undefined && TRUE.has(s)) return ok(true);
    if (s !== undefined && FALSE.has(s)) return ok(false);
    return bad(`expected true or false, got ${JSON.stringify(v)}`);
  });
}

export function oneOf<const T extends string>(values: readonly T[], def: T | undefined, doc: string): Field<T> {
  return field('enum', doc, def, def === undefined ? '(required)' : def, (v) => {
    const s = scalar(v)?.toLowerCase();
    const hit = values.find((x) => x === s);
    return hit !== undefined ? ok(hit) : bad(`expected one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
  });
}

/** A file mode written in octal (`0644`); the value is the number. */
export function octalMode(def: number | undefined, doc: string): Field<number> {
  const text = def === undefined ? '(required)' : '0' + def.toString(8);
  return field('octal mode', doc, def, text, (v) => {
    const s = scalar(v);
    if (s === undefined || !/^0?[0-7]{3,4}$/.test(s)) return bad(`expected an octal mode such as 0644, got ${JSON.stringify(v)}`);
    return ok(parseInt(s, 8));
  });
}

/** A list: comma- or space-separated in one value, or repeated `key[] = ...` lines. */
export function list(def: readonly string[] | undefined, doc: string,
  check?: (item: string) => string | null): Field<readonly string[]> {
  const text = def === undefined ? '(required)' : def.length ? def.join(', ') : '(empty)';
  return field('list', doc, def, text, (v) => {
    const items: string[] = [];
    const parts = Array.isArray(v) ? v : [v];
    for (const p of parts) {
      const s = scalar(p);
      if (s === undefined) return bad('expected a list of values');
      for (const item of s.split(/[\s,]+/)) if (item !== '') items.push(item);
    }
    if (check) {
      for (const item of items) {
        const err = check(item);
        if (err) return bad(`${JSON.stringify(item)}: ${err}`);
      }
    }
    return ok(Object.freeze(items));
  });
}

/**
 * Validates one section against a spec. Problems are appended to `problems`; the returned value
 * has every key (defaults filled in) and is frozen. Keys in `ignore` are left to the caller (such
 * as `type`).
 */
export function validateSection<S extends Spec>(spec: S, raw: Record<string, unknown>, section: string,
  problems: ConfigProblem[], ignore: readonly string[] = ['type']): SpecValue<S> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (!(key in spec) && !ignore.includes(key)) {
      problems.push({ section, key, message: `unknown key${suggest(key, Object.keys(spec))}` });
    }
  }
  for (const [key, f] of Object.entries(spec)) {
    if (!(key in raw)) {
      if (f.default === undefined) problems.push({ section, key, message: 'is required' });
      out[key] = f.default;
      continue;
    }
    const r = f.parse(raw[key]);
    if (r.ok) out[key] = r.value;
    else {
      problems.push({ section, key, message: r.error });
      out[key] = f.default;
    }
  }
  return Object.freeze(out) as SpecValue<S>;
}

function suggest(key: string, known: string[]): string {
  const near = known.find((k) => distance(k, key) <= 2);
  return near ? ` (did you mean ${near}?)` : '';
}

function distance(a: string, b: string): number {
  const d: number[] = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}
