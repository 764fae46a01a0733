// The structured fields of every Momentum log line, one variant per record kind: `log` names the
// file the line belongs to and `type` the record kind inside it. Plain data (type aliases, not
// classes), so a record's fields can be stored, compared and serialised as they are.

/** When a line was written; every Momentum line starts with it. */
export type MomentumStamp = {
  /** Whole seconds since the epoch (the first 10 digits of the line). */
  epoch: number;
  /**
   * Microseconds within the second when the line has a 16-digit epoch (`log_hires_timestamp`,
   * Momentum 5.3 and later); null for a 10-digit epoch.
   */
  epochMicros: number | null;
  /**
   * Set when the line was not valid UTF-8: its text fields then hold one character per byte
   * (latin1), so `format` writes back the bytes that were read.
   */
  latin1?: boolean;
};

type MainlogIds = MomentumStamp & {
  log: 'mainlog';
  /** Such as `00/00-25004-31B987F3`. */
  messageId: string;
  batchId: string;
  connectionId: string;
};

/** `R`: a message was received. */
export type MainlogReception = MainlogIds & {
  type: 'R';
  rcptLocalpart: string;
  rcptDomain: string;
  senderLocalpart: string;
  senderDomain: string;
  /** `unknown` for messages injected over HTTP. */
  sourceIp: string;
  sizeBytes: number;
  /** `esmtp`, `rest`, `xfer`, `internal` (3.x also `ecstream`). */
  protocol: string;
  bindingGroup: string;
  binding: string;
};

/** What delivery and failure lines share after the type. */
type MainlogAttempt = {
  domain: string;
  bindingGroup: string;
  binding: string;
  /** Delivery attempts before this one (0 = first attempt). */
  retries: number;
  /** Seconds since reception, as a number. */
  secondsSinceReception: number;
  /**
   * The same as written (`0.393`, `18.53`); `format` writes it when it still reads as
   * `secondsSinceReception`, so a parsed line comes back byte for byte.
   */
  secondsText?: string;
  /** IP address of the remote server. */
  remoteIp: string;
};

/** `D`: delivered; `X`: transferred to another cluster node. */
export type MainlogDelivery = MainlogIds & MainlogAttempt & {
  type: 'D' | 'X';
  bytes: number;
};

/** `T`: transient failure (will be retried); `P`: permanent failure. */
export type MainlogFailure = MainlogIds & MainlogAttempt & {
  type: 'T' | 'P';
  /** Bytes transferred before the failure (0 = no connection). */
  bytes: number;
  /** Connection stage code (see stages.ts). */
  stage: number;
  /** The stage's name from the table; `unknown` for a code the table lacks. */
  stageName: string;
  /** The remote's error text: the rest of the line, `@` and spaces included. */
  error: string;
};

/** Heartbeat marker: `M` (4.x) or `M1` (3.x, which tells 3.x records from 2.2 ones). */
export type MainlogHeartbeat = MomentumStamp & {
  log: 'mainlog';
  type: 'M' | 'M1';
};

export type MainlogFields = MainlogReception | MainlogDelivery | MainlogFailure | MainlogHeartbeat;

/** How a rejectlog value was written: `K="v"`, `K=v` or `K=[v]`. */
export type RejectValueStyle = 'quoted' | 'bare' | 'bracketed';

export type RejectItem = { key: string; value: string; style: RejectValueStyle };

/**
 * A rejected connection or message. `items` holds every `KEY=value` pair in line order, unknown
 * keys included, and is what `format` writes; the named fields are read-only views of the known
 * keys (null when absent), filled by `parse` and by `rejectionFields`.
 */
export type RejectlogRejection = MomentumStamp & {
  log: 'rejectlog';
  type: 'rejection';
  items: RejectItem[];
  /** The free text after the pairs; null when the line ends right after the last pair. */
  reason: string | null;
  /** `R`: remote ip:port. */
  remote: string | null;
  /** `L`: local ip:port. */
  local: string | null;
  /** `C`. */
  connectionId: string | null;
  /** `PATH`: pathway. */
  path: string | null;
  /** `PATH_GRP`: pathway group. */
  pathGroup: string | null;
  /** `P`: phase, such as `awaiting mailfrom`. */
  phase: string | null;
  /** `E`: SMTP reply code. */
  code: number | null;
  /** `M`: last module. */
  module: string | null;
  /** `CTXCONN`: connection context, without its brackets. */
  ctxConn: string | null;
  /** `CTXMESS`: message context, without its brackets. */
  ctxMess: string | null;
};

/** Heartbeat marker: `epoch: Marker 1`. */
export type RejectlogMarker = MomentumStamp & { log: 'rejectlog'; type: 'marker'; marker: number };

export type RejectlogFields = RejectlogRejection | RejectlogMarker;

export type PaniclogText = MomentumStamp & { log: 'paniclog'; type: 'text'; text: string };

/** A request an HTTP_Listener logged (`log_requests_to_paniclog`). */
export type PaniclogHttp = MomentumStamp & {
  log: 'paniclog';
  type: 'http';
  ip: string;
  method: string;
  path: string;
  version: string;
  status: number;
  bytes: number;
  ms: number;
  /** `ms` as written (`5.000`), kept for byte-exact output like `secondsText`. */
  msText?: string;
};

export type PaniclogFields = PaniclogText | PaniclogHttp;

/** `N`: authentication; `T`: authentication timeout (same layout, result may be absent). */
export type AcctlogAuth = MomentumStamp & {
  log: 'acctlog';
  type: 'N' | 'T';
  listener: string;
  /** Peer ip:port, '' for a Unix socket. */
  peer: string;
  user: string;
  /** 1 success, 0 failure; null only for a `T` line written without it. */
  result: number | null;
};

/** `Z`: authorization of a console command. */
export type AcctlogAuthz = MomentumStamp & {
  log: 'acctlog';
  type: 'Z';
  listener: string;
  peer: string;
  user: string;
  /** 1 allowed, 0 denied, -1 error. */
  result: number;
  command: string;
  role: string | null;
};

/** `?`: an entry of unknown type; its fields are kept unescaped, in order. */
export type AcctlogUnknown = MomentumStamp & { log: 'acctlog'; type: '?'; fields: string[] };

export type AcctlogFields = AcctlogAuth | AcctlogAuthz | AcctlogUnknown;

/** The outcome of importing one message from a spool. */
export type ImportlogFields = MomentumStamp & {
  log: 'importlog';
  type: 'I';
  origId: string;
  newId: string;
  /** 1 to 4. */
  result: number;
  /** The rest of the line. */
  spoolDir: string;
};

export type MomentumFields = MainlogFields | RejectlogFields | PaniclogFields | AcctlogFields | ImportlogFields;

export type MomentumLog = MomentumFields['log'];
