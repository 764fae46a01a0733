// The contract every legacy dialect (Momentum, EMG, MMDF, Axigen) implements: a pure parser from
// a line to structured fields, a formatter back to the byte-exact line, and the mapping of its
// record kinds onto one disposition vocabulary shared by every mail system.

/** What happened to a message, in words every dialect maps onto. */
export type Disposition =
  | 'reception'
  | 'delivery'
  | 'transient_failure'
  | 'permanent_failure'
  | 'rejection'
  | 'error'
  | 'other';

export const DISPOSITIONS: readonly Disposition[] = [
  'reception', 'delivery', 'transient_failure', 'permanent_failure', 'rejection', 'error', 'other',
];

export type DialectName = 'momentum' | 'emg' | 'mmdf' | 'axigen';

/** Why a line that looked like a dialect's could not be read; the line is kept raw. */
export interface DialectError {
  readonly ok: false;
  /** Short, stable reason for counters: `field_count`, `bad_number`, `truncated`, ... */
  readonly reason: string;
  /** For the paniclog: what was wrong, where. */
  readonly detail: string;
}

export interface DialectResult<F> {
  readonly ok: true;
  readonly fields: F;
  readonly disposition: Disposition;
}

export interface Dialect<F> {
  readonly name: DialectName;
  /**
   * Cheap test on a line (the MSG of a record, or a line of the dialect's own file): true when the
   * line has this dialect's shape, so `parse` should be tried. Never throws.
   */
  looksLike(line: Buffer): boolean;
  /** Reads a line. Never throws: a malformed line gives a DialectError with a reason. */
  parse(line: Buffer): DialectResult<F> | DialectError;
  /** Writes fields back as the dialect's line, byte for byte what `parse` read (no trailing LF). */
  format(fields: F): Buffer;
}

/** A value read from a line, and where reading stopped: what a dialect's readers return. */
export interface Step<T> {
  readonly ok: true;
  readonly value: T;
  /** Index just after what was read. */
  readonly end: number;
}

export function step<T>(value: T, end: number): Step<T> {
  return { ok: true, value, end };
}

export function dialectError(reason: string, detail: string): DialectError {
  return { ok: false, reason, detail };
}
