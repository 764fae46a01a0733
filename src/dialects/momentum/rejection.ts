// Builds a rejectlog rejection from named values, for writing a record that was not read from a
// rejectlog (another dialect's rejection, say). Pairs come in the order Momentum writes them,
// values are made safe for their style so the line reads back as the same fields.

import type { RejectItem, RejectValueStyle, RejectlogRejection } from './fields.js';
import { countText } from './lex.js';
import { looksLikeRejectBody } from './rejectlog.js';

export type RejectionInput = {
  epoch: number;
  epochMicros?: number | null;
  remote?: string | null;
  local?: string | null;
  connectionId?: string | null;
  path?: string | null;
  pathGroup?: string | null;
  phase?: string | null;
  code?: number | null;
  module?: string | null;
  ctxConn?: string | null;
  ctxMess?: string | null;
  /** Further pairs, written after the known ones. */
  extra?: readonly RejectItem[];
  reason?: string | null;
};

type Named = Exclude<keyof RejectionInput, 'epoch' | 'epochMicros' | 'extra' | 'reason' | 'code'>;

/** The known keys in the order Momentum writes them, with their style. */
const KNOWN: readonly [string, Named | 'code', RejectValueStyle][] = [
  ['R', 'remote', 'quoted'], ['L', 'local', 'quoted'], ['C', 'connectionId', 'quoted'], ['PATH', 'path', 'quoted'],
  ['PATH_GRP', 'pathGroup', 'quoted'], ['P', 'phase', 'quoted'], ['E', 'code', 'bare'], ['M', 'module', 'bare'],
  ['CTXCONN', 'ctxConn', 'bracketed'], ['CTXMESS', 'ctxMess', 'bracketed'],
];

/** A key that reads back as a key: upper-case letters, digits and `_`, starting with a letter. */
export function safeKey(key: string): string {
  const k = key.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return /^[A-Z]/.test(k) ? k : `X${k}`;
}

/** A value that reads back whole in its style. */
export function safeValue(value: string, style: RejectValueStyle): string {
  const v = value.replace(/[\r\n]/g, ' ');
  switch (style) {
    case 'quoted': return v.replaceAll('"', "'");
    case 'bracketed': return v.replaceAll('"', "'").replaceAll(']', ')');
    case 'bare': return v.replaceAll(' ', '_').replace(/^["[]/, '_');
  }
}

export function rejectionFields(input: RejectionInput): RejectlogRejection {
  const items: RejectItem[] = [];
  const out: RejectlogRejection = {
    log: 'rejectlog', type: 'rejection', epoch: input.epoch, epochMicros: input.epochMicros ?? null, items,
    reason: null, remote: null, local: null, connectionId: null, path: null, pathGroup: null, phase: null,
    code: null, module: null, ctxConn: null, ctxMess: null,
  };
  for (const [key, name, style] of KNOWN) {
    if (name === 'code') {
      if (input.code === null || input.code === undefined) continue;
      out.code = Number(countText(input.code));
      items.push({ key, value: String(out.code), style });
      continue;
    }
    const raw = input[name];
    if (raw === null || raw === undefined) continue;
    const value = safeValue(raw, style);
    out[name] = value;
    items.push({ key, value, style });
  }
  for (const it of input.extra ?? []) {
    const key = safeKey(it.key);
    if (KNOWN.some(([k]) => k === key)) continue; // the named value is the one that counts
    items.push({ key, value: safeValue(it.value, it.style), style: it.style });
  }
  let reason = input.reason === null || input.reason === undefined ? null : input.reason.replace(/[\r\n]/g, ' ');
  // A reason that would read as a pair or as the heartbeat is set off by a space.
  if (reason !== null && looksLikeRejectBody(reason)) reason = ` ${reason}`;
  // With no pairs the reason is the whole body; an empty one reads back as '' rather than null.
  out.reason = items.length === 0 ? (reason ?? '') : reason;
  return out;
}
