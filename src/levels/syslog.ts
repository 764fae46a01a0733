// Syslog severities and facilities (RFC 5424 §6.2.1) under the names syslog.conf and rsyslog use.
// The tables are the single source: lookups are built from them once, at module load.

export const SEVERITY_NAMES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

/** Extra spellings accepted on input; output always uses SEVERITY_NAMES. */
export const SEVERITY_ALIASES = { error: 3, warn: 4, panic: 0 } as const;

export const Severity = {
  EMERG: 0, ALERT: 1, CRIT: 2, ERR: 3, WARNING: 4, NOTICE: 5, INFO: 6, DEBUG: 7,
} as const;

export const FACILITY_NAMES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news',
  'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'security', 'console', 'solaris-cron',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;
export type FacilityName = (typeof FACILITY_NAMES)[number];

export const FACILITY_MAIL = 2;

const severityByName = new Map<string, number>([
  ...SEVERITY_NAMES.map((n, i) => [n, i] as const),
  ...Object.entries(SEVERITY_ALIASES),
]);
const facilityByName = new Map<string, number>(FACILITY_NAMES.map((n, i) => [n, i] as const));

/** 0..7 for a severity name or alias, any case; null if unknown. */
export function severityFromName(name: string): number | null {
  return severityByName.get(name.toLowerCase()) ?? null;
}

export function severityName(severity: number): SeverityName | null {
  return SEVERITY_NAMES[severity] ?? null;
}

/** A severity written as a name, an alias or a decimal number 0..7. */
export function parseSeverity(text: string): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) ? inRange(Number(t), SEVERITY_NAMES.length) : severityFromName(t);
}

/** 0..23 for a facility name, any case; null if unknown. */
export function facilityFromName(name: string): number | null {
  return facilityByName.get(name.toLowerCase()) ?? null;
}

export function facilityName(facility: number): FacilityName | null {
  return FACILITY_NAMES[facility] ?? null;
}

/** A facility written as a name or a decimal number 0..23. */
export function parseFacility(text: string): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) ? inRange(Number(t), FACILITY_NAMES.length) : facilityFromName(t);
}

function inRange(n: number, count: number): number | null {
  return n < count ? n : null;
}
