// The one way this dialect says a line could not be read.

import type { DialectError } from '../types.js';
import type { AxigenErrorReason } from './fields.js';

export function fail(reason: AxigenErrorReason, detail: string): DialectError {
  return { ok: false, reason, detail: `${reason}: ${detail}` };
}

/** A few bytes of the line for a detail message, printable whatever they hold. */
export function quote(line: Buffer, start: number, end: number): string {
  return JSON.stringify(line.toString('latin1', start, Math.min(end, start + 32)));
}
