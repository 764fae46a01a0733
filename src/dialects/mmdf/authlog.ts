// auth.log entries (doc/auth.guide): `<msg>: i='..' o='..' a='..' r='' r='OS'`,
// `<msg>: END size='..', sender='..'`, `<msg>: BAD AUTH i=... msg='...'`. Kept as the message
// name and its text; the `key='value'` pairs are read out for matching, not needed to write back.

import type { MmdfAuth } from './fields.js';

/** `msg.<name>: `: the message names mq_munique() makes. */
const AUTH_SHAPE = /^(msg\.[^\s:]+): /;
const PAIR = /([A-Za-z_][A-Za-z0-9_]*)='([^']*)'/g;

export function readAuth(s: string): MmdfAuth | null {
  const m = AUTH_SHAPE.exec(s);
  if (m === null) return null;
  return authEntry(m[1]!, s.slice(m[0].length));
}

/** An auth entry for `msg` and `text`, pairs filled in. */
export function authEntry(msg: string, text: string): MmdfAuth {
  const pairs: (readonly [string, string])[] = [];
  for (const p of text.matchAll(PAIR)) pairs.push([p[1]!, p[2]!]);
  return { kind: 'auth', msg, text, pairs };
}

export function formatAuth(e: MmdfAuth): string {
  return `${e.msg}: ${e.text}`;
}

/** `BAD AUTH ...`: the authorisation check refused the message. */
export function isBadAuth(e: MmdfAuth): boolean {
  return e.text.startsWith('BAD AUTH');
}
