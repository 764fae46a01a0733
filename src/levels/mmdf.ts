// MMDF ll_log verbosity. Larger values are more verbose; an entry is written when its value is
// <= the log's level. The tailor file takes a name (any case) or a decimal number.
//
// Syslog mapping (our choice; MMDF has none): FAT→crit, TMP→warning (a temporary error is one
// that will be retried), GEN→notice, BST/FST→info (the statistics lines: lin/rin/end),
// PTR/BTR/FTR→debug (traces). Values between named levels take the severity of the next more
// verbose name (15 → as BST), values above FTR up to LLOGMAX (126) are debug.
// Back (severity → value to log at): emerg/alert/crit→FAT, err/warning→TMP, notice→GEN,
// info→BST, debug→PTR; err has no MMDF level of its own and is not fatal, so it becomes TMP.

export const MMDF_LEVELS = [
  { name: 'FAT', value: -1, severity: 2, meaning: 'fatal error' },
  { name: 'TMP', value: 5, severity: 4, meaning: 'temporary error' },
  { name: 'GEN', value: 10, severity: 5, meaning: 'general information' },
  { name: 'BST', value: 20, severity: 6, meaning: 'basic statistics' },
  { name: 'FST', value: 25, severity: 6, meaning: 'full statistics' },
  { name: 'PTR', value: 40, severity: 7, meaning: 'program phase trace' },
  { name: 'BTR', value: 50, severity: 7, meaning: 'basic program trace' },
  { name: 'FTR', value: 55, severity: 7, meaning: 'full program trace' },
] as const;
export type MmdfLevelName = (typeof MMDF_LEVELS)[number]['name'];

export const MMDF_MIN = -1;
/** LLOGMAX. */
export const MMDF_MAX = 126;

/** MMDF value to log at for each syslog severity 0..7. */
export const SEVERITY_TO_MMDF: readonly number[] = [-1, -1, -1, 5, 5, 10, 20, 40];

const byName = new Map<string, number>(MMDF_LEVELS.map((l) => [l.name.toLowerCase(), l.value]));

/** An entry at `value` is written to a log whose level is `threshold`. */
export function mmdfWritten(value: number, threshold: number): boolean {
  return value <= threshold;
}

export function mmdfToSeverity(value: number): number | null {
  if (!Number.isInteger(value) || value < MMDF_MIN || value > MMDF_MAX) return null;
  for (const l of MMDF_LEVELS) if (value <= l.value) return l.severity;
  return 7;
}

export function severityToMmdf(severity: number): number | null {
  return SEVERITY_TO_MMDF[severity] ?? null;
}

/** `fst`, `FST` or a decimal number -1..126, as the tailor file's `level=` takes it. */
export function parseMmdfLevel(text: string): number | null {
  const t = text.trim();
  if (/^-?\d+$/.test(t)) {
    const n = Number(t);
    return n >= MMDF_MIN && n <= MMDF_MAX ? n : null;
  }
  return byName.get(t.toLowerCase()) ?? null;
}

/** The level's name when it has one, otherwise the number. */
export function formatMmdfLevel(value: number): string {
  return MMDF_LEVELS.find((l) => l.value === value)?.name ?? String(value);
}
