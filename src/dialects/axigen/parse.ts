// Reads an Axigen line from bytes: the Log Service line, or the bare `SERVICE:SESSIONID: message`
// tail (see fields.ts for why the second shape is inferred). Never throws: every malformed line
// gives a DialectError whose reason names the first field that is wrong, or `truncated` when the
// line ends inside a field.

import { parseAxigenLevel } from '../../levels/axigen.js';
import { fieldText } from '../../syslog/bytes.js';
import type { DialectError } from '../types.js';
import { fail, quote } from './error.js';
import { readAddresses } from './facts.js';
import type { AxigenBare, AxigenFields, AxigenLine } from './fields.js';
import { hasStampPrefix, readStamp, STAMP_BYTES } from './stamp.js';

const SP = 0x20;
const COLON = 0x3a;
/** A bare tail is only taken with a short uppercase service name: nothing else anchors it. */
const MAX_BARE_SERVICE = 32;
const MAX_BARE_SESSION = 64;

/**
 * Index of the first byte from `start` that is not visible ASCII (or is `:` when `noColon`),
 * looking at no more than `max` bytes.
 */
function tokenEnd(line: Buffer, start: number, noColon: boolean, max = line.length): number {
  const stop = Math.min(line.length, start + max);
  let i = start;
  for (; i < stop; i++) {
    const b = line[i]!;
    if (b < 0x21 || b > 0x7e || (noColon && b === COLON)) break;
  }
  return i;
}

/** `[A-Z][A-Z0-9_-]*`, the module names Axigen writes (SMTP-IN, MAILBOXAPI, ...). */
function isServiceName(line: Buffer, start: number, end: number): boolean {
  if (end <= start || end - start > MAX_BARE_SERVICE) return false;
  for (let i = start; i < end; i++) {
    const b = line[i]!;
    const upper = b >= 0x41 && b <= 0x5a;
    if (!upper && (i === start || !((b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x5f))) return false;
  }
  return true;
}

/** Reads `SERVICE:SESSIONID: message` from `p`. */
function readTail(line: Buffer, p: number, bare: boolean): AxigenBare | DialectError {
  const sEnd = tokenEnd(line, p, true);
  if (sEnd === line.length) return fail('truncated', 'line ends inside SERVICE:');
  if (line[sEnd] !== COLON || sEnd === p) return fail('service', `SERVICE: expected at ${quote(line, p, sEnd + 1)}`);
  if (bare && !isServiceName(line, p, sEnd)) return fail('service', `not an uppercase service ${quote(line, p, sEnd)}`);
  const q = sEnd + 1;
  const xEnd = tokenEnd(line, q, true);
  if (xEnd === line.length) return fail('truncated', 'line ends inside SESSIONID:');
  if (line[xEnd] !== COLON || xEnd === q || (bare && xEnd - q > MAX_BARE_SESSION)) {
    return fail('service', `SESSIONID: expected at ${quote(line, q, xEnd + 1)}`);
  }
  if (xEnd + 1 === line.length) return fail('truncated', 'line ends after SESSIONID:');
  if (line[xEnd + 1] !== SP) return fail('service', 'no space after SESSIONID:');
  const message = line.subarray(xEnd + 2);
  return {
    shape: 'bare',
    service: fieldText(line, p, sEnd, 0),
    session: line.toString('latin1', q, xEnd),
    message,
    addresses: readAddresses(message),
  };
}

function readLine(line: Buffer): AxigenLine | DialectError {
  const stamp = readStamp(line);
  if ('ok' in stamp) return stamp;
  const l0 = STAMP_BYTES;
  const l1 = tokenEnd(line, l0, false);
  if (l1 === line.length) return fail('truncated', 'line ends inside the level');
  const levelText = fieldText(line, l0, l1, 0);
  const level = line[l1] === SP && /^\d{1,2}$/.test(levelText) ? parseAxigenLevel(levelText) : null;
  if (level === null) return fail('level', `not an Axigen level bit ${quote(line, l0, l1 + 1)}`);
  const h0 = l1 + 1;
  const h1 = tokenEnd(line, h0, false);
  if (h1 === line.length) return fail('truncated', 'line ends inside the host');
  if (line[h1] !== SP || h1 === h0) return fail('host', `not a host name ${quote(line, h0, h1 + 1)}`);
  const tail = readTail(line, h1 + 1, false);
  if ('ok' in tail) return tail;
  return {
    shape: 'line', stamp, level, levelText, host: fieldText(line, h0, h1, 0),
    service: tail.service, session: tail.session, message: tail.message, addresses: tail.addresses,
  };
}

/** Fields of either shape: a line starting with a digit is a Log Service line, any other a bare tail. */
export function parseAxigenLine(line: Buffer): AxigenFields | DialectError {
  const b = line[0];
  return b !== undefined && b >= 0x30 && b <= 0x39 ? readLine(line) : readTail(line, 0, true);
}

/** Cheap shape test: the date-time prefix, or an uppercase `SERVICE:SESSIONID: ` opening. */
export function looksLikeAxigen(line: Buffer): boolean {
  if (hasStampPrefix(line)) return true;
  const sEnd = tokenEnd(line, 0, true, MAX_BARE_SERVICE + 1);
  if (line[sEnd] !== COLON || !isServiceName(line, 0, sEnd)) return false;
  const xEnd = tokenEnd(line, sEnd + 1, true, MAX_BARE_SESSION + 1);
  return xEnd > sEnd + 1 && xEnd - sEnd - 1 <= MAX_BARE_SESSION && line[xEnd] === COLON && line[xEnd + 1] === SP;
}
