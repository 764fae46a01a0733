// The structured form of one MMDF ll_log line: the prefix ll_time() wrote and the entry text
// that followed it. Every field needed to write the line back byte for byte is kept, including
// which of the prefix's printf forms was read and whether its leading pad space was trimmed.

/** `"%2d/%2d %2d:%02d:%02d %s:  "`: written on every entry when the log closes or is timed. */
export interface MmdfLongPrefix {
  readonly form: 'long';
  /** 1..12. */
  readonly month: number;
  /** 1..31. */
  readonly day: number;
  /** 0..23. */
  readonly hour: number;
  readonly minute: number;
  /** 0..60 (localtime() may give a leap second). */
  readonly second: number;
  /** The entry tag exactly as written: `SB-1234`, `submit1234`, `local 0042`, `XX-0000`. */
  readonly tag: string;
  /** The line starts at the month's digit, its pad space dropped (`4/29  9:02:15 ...`). */
  readonly trimmed: boolean;
}

/** `"%2d:%02d "`: minute and second only, used while a log is held open. */
export interface MmdfShortPrefix {
  readonly form: 'short';
  readonly minute: number;
  readonly second: number;
  readonly trimmed: boolean;
}

/** No prefix: the cycle markers ll_log writes straight into the file. */
export interface MmdfNoPrefix {
  readonly form: 'none';
}

export type MmdfPrefix = MmdfLongPrefix | MmdfShortPrefix | MmdfNoPrefix;

/** `lin <msg> (<naddrs>, <bytes>) <queue> <login>[ <protocol>]`: local submission (submit). */
export interface MmdfLin {
  readonly kind: 'lin';
  readonly msg: string;
  readonly naddrs: number;
  readonly bytes: number;
  readonly queue: string;
  readonly login: string;
  /** `SMTP`, `ESMTP`, '' (2.43+ writes the separating space even when empty), null when absent. */
  readonly protocol: string | null;
}

/** `rin <msg> (<naddrs>, <bytes>) <queue> <host> <sender>[ <protocol>]`: relayed submission. */
export interface MmdfRin {
  readonly kind: 'rin';
  readonly msg: string;
  readonly naddrs: number;
  readonly bytes: number;
  readonly queue: string;
  readonly host: string;
  readonly sender: string;
  readonly protocol: string | null;
}

/** `end <msg> (<status>) <queue>[(<chan>)] <host> <mailbox> [H:MM:SS]`: one address's fate. */
export interface MmdfEnd {
  readonly kind: 'end';
  readonly msg: string;
  /** Exact text from the status table, or `*** Illegal:  0bcs`. */
  readonly status: string;
  readonly queue: string;
  /** The channel, written only when it differs from the queue; null when not written. */
  readonly chan: string | null;
  readonly host: string;
  readonly mailbox: string;
  /** Time in queue, whole seconds (printed `%d:%2d:%2d` as hours, minutes, seconds). */
  readonly latencySecs: number;
}

/** `end <msg> (<status>) ** <chan-show> (<chan-name>) error **`: the channel failed mid-list. */
export interface MmdfEndError {
  readonly kind: 'end_error';
  readonly msg: string;
  readonly status: string;
  /** The channel's human description (may hold spaces). */
  readonly chanShow: string;
  readonly chanName: string;
}

/** chan.log phase markers at PTR (`strt` and `conn` too: phs_note writes them beside the rest). */
export const MMDF_PHASES = ['strt', 'conn', 'rcv', 'rend', 'writ', 'wend'] as const;
export type MmdfPhase = (typeof MMDF_PHASES)[number];

export interface MmdfChanPhase {
  readonly kind: 'chan_phase';
  readonly phase: MmdfPhase;
}

/** `rmsg %4da %10ldc` (received) or `wmsg %4da %10ldc` (sent). */
export interface MmdfChanMsg {
  readonly kind: 'chan_msg';
  readonly direction: 'rmsg' | 'wmsg';
  readonly naddrs: number;
  readonly bytes: number;
}

/** `end (<status>)` or `end (<status>)\t<secs>s`: end of a channel session. */
export interface MmdfChanEnd {
  readonly kind: 'chan_end';
  readonly status: string;
  readonly durationSecs: number | null;
}

/** auth.log: `<msg>: <text>`, with the `key='value'` pairs of the text read out. */
export interface MmdfAuth {
  readonly kind: 'auth';
  readonly msg: string;
  readonly text: string;
  /** Pairs in order; a key may repeat (`r='' r='OS'`). Derived from `text`. */
  readonly pairs: readonly (readonly [string, string])[];
}

/** `---  OPEN  ---(<fd>)`: first line after a held-open log is opened. */
export interface MmdfOpen {
  readonly kind: 'open';
  readonly fd: number;
}

/** `***  CYCLING  ***`, `***  CYCLED  ***` or the closing `CYCLED  ***` of a wrapped log. */
export const MMDF_MARKERS = ['***  CYCLING  ***', '***  CYCLED  ***', 'CYCLED  ***'] as const;
export type MmdfMarkerText = (typeof MMDF_MARKERS)[number];

export interface MmdfMarker {
  readonly kind: 'marker';
  readonly text: MmdfMarkerText;
}

/** Anything else a program logged: channels log their own words. */
export interface MmdfText {
  readonly kind: 'text';
  readonly text: string;
}

export type MmdfEntry =
  | MmdfLin | MmdfRin | MmdfEnd | MmdfEndError
  | MmdfChanPhase | MmdfChanMsg | MmdfChanEnd
  | MmdfAuth | MmdfOpen | MmdfMarker | MmdfText;

export interface MmdfFields {
  readonly prefix: MmdfPrefix;
  readonly entry: MmdfEntry;
}
