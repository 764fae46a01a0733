// The info part of a connector line: `(k1=v1,k2="v 2",k3)`, comma-separated `key[=value]`, the
// value optionally in double quotes. Documented keys are pdu, dlr, orphaned and info; any key is
// read. A quoted value runs to the next `"` (EMG documents no escape) and may hold `,` and `)`;
// an unquoted value runs to the next `,` or `)` and may not hold `"`. Whether a value was
// quoted is kept so the line can be written back byte for byte.

import type { DialectError } from '../types.js';
import { fail, step, type Step } from './errors.js';

export interface EmgInfoItem {
  readonly key: string;
  /** null for a bare key (`orphaned`); '' for `key=`. */
  readonly value: string | null;
  readonly quoted: boolean;
}

export const INFO_KEYS = ['pdu', 'dlr', 'orphaned', 'info'] as const;

/** Index of the first of `stops` in `s` from `at`, or -1. */
function scan(s: string, at: number, stops: string): number {
  for (let i = at; i < s.length; i++) if (stops.includes(s[i]!)) return i;
  return -1;
}

/** Reads items from `at`, just after `(`; ends just after the closing `)`. */
export function readInfo(s: string, at: number): Step<EmgInfoItem[]> | DialectError {
  const items: EmgInfoItem[] = [];
  let i = at;
  for (;;) {
    const k = scan(s, i, '=,)"');
    if (k < 0) return fail('info', 'unclosed (');
    if (k === i) return fail('info', `empty key at ${i}`);
    if (s[k] === '"') return fail('info', `quote in key at ${k}`);
    const key = s.slice(i, k);
    let item: EmgInfoItem;
    let next: number;
    if (s[k] !== '=') {
      item = { key, value: null, quoted: false };
      next = k;
    } else if (s[k + 1] === '"') {
      const q = s.indexOf('"', k + 2);
      if (q < 0) return fail('info', `unclosed quote at ${k + 1}`);
      item = { key, value: s.slice(k + 2, q), quoted: true };
      next = q + 1;
      if (s[next] !== ',' && s[next] !== ')') return fail('info', next < s.length ? `text after quote at ${next}` : 'unclosed (');
    } else {
      next = scan(s, k + 1, ',)"');
      if (next < 0) return fail('info', 'unclosed (');
      if (s[next] === '"') return fail('info', `quote inside value at ${next}`);
      item = { key, value: s.slice(k + 1, next), quoted: false };
    }
    items.push(item);
    if (s[next] === ')') return step(items, next + 1);
    i = next + 1;
  }
}

export function formatInfo(items: readonly EmgInfoItem[]): string {
  return items
    .map((it) => (it.value === null ? it.key : it.quoted ? `${it.key}="${it.value}"` : `${it.key}=${it.value}`))
    .join(',');
}
