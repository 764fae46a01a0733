// MGP message options as a connector line writes them: space-separated `NNN:value`, a 3-digit
// option number and a value that runs to the next space. Order is kept as written. Names are
// given only where EMG's logging documentation states them; the rest stay numbers.

import type { DialectError } from '../types.js';
import { fail } from './errors.js';

export interface MgpOption {
  /** 0..999, written as 3 digits. */
  readonly number: number;
  /** May be empty; never contains a space. */
  readonly value: string;
}

export const MGP_OPTIONS: readonly { number: number; name: string | null; meaning: string }[] = [
  { number: 8, name: 'DESTADDR', meaning: 'recipient address (MSISDN)' },
  { number: 17, name: null, meaning: 'message length; the body itself is not logged' },
  { number: 95, name: 'ENDSECS', meaning: 'present only on a final entry' },
  { number: 96, name: 'ENDMSECS', meaning: 'present only on a final entry' },
];

export const MGP_ENDSECS = 95;
export const MGP_ENDMSECS = 96;

const nameByNumber = new Map(MGP_OPTIONS.map((o) => [o.number, o.name]));

/** The documented name of an option, or its 3-digit number. */
export function mgpOptionName(number: number): string {
  return nameByNumber.get(number) ?? String(number).padStart(3, '0');
}

/** The first value of option `number`, or null. */
export function mgpOption(options: readonly MgpOption[], number: number): string | null {
  for (const o of options) if (o.number === number) return o.value;
  return null;
}

/** An entry is final when it carries both ENDSECS (095) and ENDMSECS (096). */
export function isFinal(options: readonly MgpOption[]): boolean {
  return mgpOption(options, MGP_ENDSECS) !== null && mgpOption(options, MGP_ENDMSECS) !== null;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Reads `s` (the rest of a line, not empty) as options. */
export function readOptions(s: string): MgpOption[] | DialectError {
  const out: MgpOption[] = [];
  for (const tok of s.split(' ')) {
    if (tok.length < 4 || tok[3] !== ':' || !isDigit(tok.charCodeAt(0)) || !isDigit(tok.charCodeAt(1)) || !isDigit(tok.charCodeAt(2))) {
      return fail('option', `expected NNN:value, got ${JSON.stringify(tok.slice(0, 24))}`);
    }
    out.push({ number: Number(tok.slice(0, 3)), value: tok.slice(4) });
  }
  return out;
}

export function formatOptions(options: readonly MgpOption[]): string {
  return options.map((o) => `${String(o.number).padStart(3, '0')}:${o.value}`).join(' ');
}
