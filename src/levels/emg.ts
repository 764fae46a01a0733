// EMG LOGLEVEL names. EMG writes INFO and more severe to `general`, DEBUG and DEBUG2 to `debug`;
// LOGLEVEL=X logs X and everything more severe. EMG documents no numbers, so `code` is ours: it
// orders the levels (larger = more verbose) and is the value kept in a record's native level.
// DEBUG2, DEBUG and INFO are confirmed names; ERROR and WARNING are inferred; FATAL is accepted
// when read (a line that says it must still parse) but never produced from a syslog severity.

export const EMG_LEVELS = [
  { name: 'FATAL', code: 1, severity: 2, file: 'general' },
  { name: 'ERROR', code: 2, severity: 3, file: 'general' },
  { name: 'WARNING', code: 3, severity: 4, file: 'general' },
  { name: 'INFO', code: 4, severity: 6, file: 'general' },
  { name: 'DEBUG', code: 5, severity: 7, file: 'debug' },
  { name: 'DEBUG2', code: 6, severity: 7, file: 'debug' },
] as const;
export type EmgLevelName = (typeof EMG_LEVELS)[number]['name'];
export type EmgFile = (typeof EMG_LEVELS)[number]['file'];

export const EmgLevel = { FATAL: 1, ERROR: 2, WARNING: 3, INFO: 4, DEBUG: 5, DEBUG2: 6 } as const;

/** EMG code for each syslog severity 0..7: crit and above → ERROR, notice → INFO. */
export const SEVERITY_TO_EMG: readonly number[] = [2, 2, 2, 2, 3, 4, 4, 5];

const byCode = new Map<number, (typeof EMG_LEVELS)[number]>(EMG_LEVELS.map((l) => [l.code, l]));
const byName = new Map<string, number>(EMG_LEVELS.map((l) => [l.name.toLowerCase(), l.code]));

/** A line at `code` is logged when LOGLEVEL is `threshold`. */
export function emgLogged(code: number, threshold: number): boolean {
  return code <= threshold;
}

/** The file a line at this level goes to. */
export function emgFile(code: number): EmgFile | null {
  return byCode.get(code)?.file ?? null;
}

export function emgToSeverity(code: number): number | null {
  return byCode.get(code)?.severity ?? null;
}

export function severityToEmg(severity: number): number | null {
  return SEVERITY_TO_EMG[severity] ?? null;
}

/** `INFO`, `debug2`, ... (any case; `[INFO]` brackets allowed) to its code. */
export function parseEmgLevel(text: string): number | null {
  const t = text.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return byName.get(t) ?? null;
}

export function formatEmgLevel(code: number): EmgLevelName | null {
  return byCode.get(code)?.name ?? null;
}
