// Momentum (ec_logger) has no levels: its mainlog records carry a disposition type in field 4.
// We give each type a syslog severity so severity rules work on Momentum logs (our choice):
// reception, delivery and transfer are info; a transient failure is warning (it will be
// retried); a permanent failure is notice, since a bounce for an unknown address is a normal,
// significant mail event and not a fault of the system (RFC 5424: "normal but significant");
// the heartbeat is debug. The native value is the type letter's char code ('R' = 82).
// paniclog and rejectlog lines have no type: see MOMENTUM_LOG_SEVERITY.

export const MOMENTUM_TYPES = [
  { type: 'R', name: 'reception', severity: 6, option: 'log_receptions' },
  { type: 'D', name: 'delivery', severity: 6, option: 'log_deliveries' },
  { type: 'X', name: 'transfer', severity: 6, option: 'log_deliveries' },
  { type: 'T', name: 'transient_failure', severity: 4, option: 'log_transient_failures' },
  { type: 'P', name: 'permanent_failure', severity: 5, option: 'log_permanent_failures' },
  { type: 'M', name: 'heartbeat', severity: 7, option: null },
] as const;
export type MomentumType = (typeof MOMENTUM_TYPES)[number]['type'];

/**
 * Severity of a whole log without record types. The paniclog exists for system errors (it should
 * be empty apart from startup lines), so err; a rejection is a policy outcome, so notice.
 */
export const MOMENTUM_LOG_SEVERITY = { paniclog: 3, rejectlog: 5 } as const;

const byCode = new Map<number, (typeof MOMENTUM_TYPES)[number]>(
  MOMENTUM_TYPES.map((t) => [t.type.charCodeAt(0), t]));
const byName = new Map<string, number>(MOMENTUM_TYPES.flatMap((t) => [
  [t.type.toLowerCase(), t.type.charCodeAt(0)] as const,
  [t.name, t.type.charCodeAt(0)] as const,
]));

export function momentumToSeverity(code: number): number | null {
  return byCode.get(code)?.severity ?? null;
}

/** A type letter (`R`, `M1` as 3.x writes the heartbeat) or name (`reception`) to its code. */
export function parseMomentumType(text: string): number | null {
  const t = text.trim().toLowerCase();
  return byName.get(t === 'm1' ? 'm' : t) ?? null;
}

export function formatMomentumType(code: number): MomentumType | null {
  return byCode.get(code)?.type ?? null;
}
