// One API over every level scheme: native value ↔ syslog severity ↔ text. Each scheme is a row
// of functions backed by its own data table; nothing here branches on the scheme name.
// Values are numbers as kept in `LogRecord.level`: syslog severity, Axigen bit, MMDF verbosity,
// EMG code, Momentum type char code.

import type { NativeLevel } from '../record.js';
import { axigenBitToSeverity, formatAxigenLevel, parseAxigenLevel, severityToAxigenBit } from './axigen.js';
import { emgToSeverity, formatEmgLevel, parseEmgLevel, severityToEmg } from './emg.js';
import { formatMmdfLevel, mmdfToSeverity, parseMmdfLevel, severityToMmdf } from './mmdf.js';
import { formatMomentumType, momentumToSeverity, parseMomentumType } from './momentum.js';
import { parseSeverity, severityName } from './syslog.js';

export type LevelScheme = NativeLevel['scheme'];

interface SchemeOps {
  toSeverity(value: number): number | null;
  /** null when the scheme cannot express a severity (Momentum types are events, not levels). */
  fromSeverity(severity: number): number | null;
  parse(text: string): number | null;
  format(value: number): string | null;
}

const SCHEMES: Readonly<Record<LevelScheme, SchemeOps>> = {
  syslog: {
    toSeverity: (v) => (severityName(v) === null ? null : v),
    fromSeverity: (s) => (severityName(s) === null ? null : s),
    parse: parseSeverity,
    format: severityName,
  },
  axigen: {
    toSeverity: axigenBitToSeverity,
    fromSeverity: severityToAxigenBit,
    parse: parseAxigenLevel,
    format: formatAxigenLevel,
  },
  mmdf: {
    toSeverity: mmdfToSeverity,
    fromSeverity: severityToMmdf,
    parse: parseMmdfLevel,
    format: (v) => (mmdfToSeverity(v) === null ? null : formatMmdfLevel(v)),
  },
  emg: {
    toSeverity: emgToSeverity,
    fromSeverity: severityToEmg,
    parse: parseEmgLevel,
    format: formatEmgLevel,
  },
  momentum: {
    toSeverity: momentumToSeverity,
    fromSeverity: () => null,
    parse: parseMomentumType,
    format: formatMomentumType,
  },
};

export const LEVEL_SCHEMES = Object.keys(SCHEMES) as readonly LevelScheme[];

/** Syslog severity 0..7 of a native value; null if the value is not one of the scheme's. */
export function toSeverity(scheme: LevelScheme, value: number): number | null {
  return SCHEMES[scheme].toSeverity(value);
}

/** The native value to use for a syslog severity; null if the scheme has none. */
export function fromSeverity(scheme: LevelScheme, severity: number): number | null {
  return SCHEMES[scheme].fromSeverity(severity);
}

/** Native value of a level as written in config or in a log line (any case); null if unknown. */
export function parseLevel(scheme: LevelScheme, text: string): number | null {
  return SCHEMES[scheme].parse(text);
}

/** A native value as the scheme writes it (`err`, `08`, `FST`, `DEBUG2`, `R`). */
export function formatLevel(scheme: LevelScheme, value: number): string | null {
  return SCHEMES[scheme].format(value);
}

/** Parses a level into the record's `level` field; null if unknown. */
export function nativeLevel(scheme: LevelScheme, text: string): NativeLevel | null {
  const value = parseLevel(scheme, text);
  return value === null ? null : { scheme, value };
}

export function levelSeverity(level: NativeLevel): number | null {
  return toSeverity(level.scheme, level.value);
}

export * from './syslog.js';
export * from './axigen.js';
export * from './mmdf.js';
export * from './emg.js';
export * from './momentum.js';
