// Axigen levels. A log line carries one level bit; a sender's `loglevel` and a rule's mask are ORs
// of bits (0..31). A line is kept only if its bit is in both masks, so client 15 with rule 9 keeps
// bits 1 and 8. With logtype=system Axigen logs to facility LOG_MAIL and sends nothing at level 0.
// The LL field of a Log Service line is the bit as two decimal digits (`08` = info); the other
// spellings are inferred from that one observed value (see docs: formats §2.3, §2.4).

import type { NativeLevel } from '../record.js';

export const AXIGEN_LEVELS = [
  { bit: 1, ll: '01', name: 'critical', label: 'Critical', severity: 2 },
  { bit: 2, ll: '02', name: 'error', label: 'Errors', severity: 3 },
  { bit: 4, ll: '04', name: 'warning', label: 'Warnings', severity: 4 },
  { bit: 8, ll: '08', name: 'info', label: 'Informational', severity: 6 },
  { bit: 16, ll: '16', name: 'protocol', label: 'Protocol communication', severity: 7 },
] as const;
export type AxigenBit = (typeof AXIGEN_LEVELS)[number]['bit'];

/** LOG_MAIL: the facility Axigen uses for logtype=system. */
export const AXIGEN_FACILITY = 2;
export const AXIGEN_MASK_ALL = 31;

/** Axigen bit for each syslog severity 0..7: emerg/alert/crit→1, err→2, warning→4, notice/info→8, debug→16. */
export const SEVERITY_TO_AXIGEN_BIT: readonly AxigenBit[] = [1, 1, 1, 2, 4, 8, 8, 16];

const byBit = new Map<number, (typeof AXIGEN_LEVELS)[number]>(AXIGEN_LEVELS.map((l) => [l.bit, l]));
const byName = new Map<string, number>(AXIGEN_LEVELS.map((l) => [l.name, l.bit]));

/** Syslog severity for one Axigen bit; null for 0 (nothing is sent) or anything not a single bit. */
export function axigenBitToSeverity(bit: number): number | null {
  return byBit.get(bit)?.severity ?? null;
}

export function severityToAxigenBit(severity: number): AxigenBit | null {
  return SEVERITY_TO_AXIGEN_BIT[severity] ?? null;
}

/** True when the line's bit is in both the sender's mask and the rule's mask. */
export function axigenPasses(bit: number, clientMask: number, ruleMask: number): boolean {
  return (bit & clientMask & ruleMask) !== 0;
}

/**
 * The bit a record is filtered by: its native Axigen level when it has one, otherwise the bit of
 * its syslog severity, so rules with a level mask also apply to plain syslog records.
 */
export function recordAxigenBit(level: NativeLevel | null, severity: number): number {
  if (level !== null && level.scheme === 'axigen') return level.value & AXIGEN_MASK_ALL;
  return SEVERITY_TO_AXIGEN_BIT[severity] ?? 0;
}

/** An LL field (`08`, `8`, `16`) or a level name (`info`, any case) to its bit; null if neither. */
export function parseAxigenLevel(text: string): AxigenBit | null {
  const t = text.trim().toLowerCase();
  const bit = /^\d{1,2}$/.test(t) ? Number(t) : byName.get(t);
  const row = bit === undefined ? undefined : byBit.get(bit);
  return row?.bit ?? null;
}

/** The LL field as Axigen writes it: `08`. */
export function formatAxigenLevel(bit: number): string | null {
  return byBit.get(bit)?.ll ?? null;
}

/** A `loglevel` mask written in decimal, 0..31. */
export function parseAxigenMask(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,2}$/.test(t)) return null;
  const n = Number(t);
  return n <= AXIGEN_MASK_ALL ? n : null;
}
