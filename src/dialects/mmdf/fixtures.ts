// Golden MMDF lines, each written exactly as ll_log's printf formats produce them (and the doc's
// trimmed `4/29 ...` form), with the fields and disposition they must read as. Tests run them both
// ways: parse(line) deep-equals the fields, format(fields) is the line byte for byte.

import type { Disposition } from '../types.js';
import { authEntry } from './authlog.js';
import type { MmdfEntry, MmdfFields, MmdfLongPrefix, MmdfPrefix } from './fields.js';
import type { MmdfReason } from './errors.js';

export interface MmdfGolden {
  readonly name: string;
  readonly line: string;
  readonly fields: MmdfFields;
  readonly disposition: Disposition;
}

function long(month: number, day: number, hour: number, minute: number, second: number, tag: string,
  trimmed = false): MmdfLongPrefix {
  return { form: 'long', month, day, hour, minute, second, tag, trimmed };
}

const P429 = long(4, 29, 9, 2, 15, 'SB-1234');

function g(name: string, line: string, prefix: MmdfPrefix, entry: MmdfEntry, disposition: Disposition): MmdfGolden {
  return { name, line, fields: { prefix, entry }, disposition };
}

export const MMDF_GOLDEN: readonly MmdfGolden[] = [
  g('lin, no protocol field (before 2.43)',
    ' 4/29  9:02:15 SB-1234:  lin msg.aa12345 (1, 2573) local steve', P429,
    { kind: 'lin', msg: 'msg.aa12345', naddrs: 1, bytes: 2573, queue: 'local', login: 'steve', protocol: null },
    'reception'),
  g('lin, empty protocol (2.43+ keeps the space)',
    ' 4/29  9:02:15 SB-1234:  lin msg.aa12345 (1, 2573) local steve ', P429,
    { kind: 'lin', msg: 'msg.aa12345', naddrs: 1, bytes: 2573, queue: 'local', login: 'steve', protocol: '' },
    'reception'),
  g('lin from an ll_hdinit tag, SMTP',
    ' 1/ 5  0:00:00 submit1234:  lin msg.aa00001 (3, 100) local root SMTP', long(1, 5, 0, 0, 0, 'submit1234'),
    { kind: 'lin', msg: 'msg.aa00001', naddrs: 3, bytes: 100, queue: 'local', login: 'root', protocol: 'SMTP' },
    'reception'),
  g('rin, ESMTP',
    '11/ 3 14:07:09 SB-0815:  rin msg.aa00417 (2, 18342) smtp relay.udel.edu crocker@udel.edu ESMTP',
    long(11, 3, 14, 7, 9, 'SB-0815'),
    { kind: 'rin', msg: 'msg.aa00417', naddrs: 2, bytes: 18342, queue: 'smtp', host: 'relay.udel.edu',
      sender: 'crocker@udel.edu', protocol: 'ESMTP' },
    'reception'),
  g('rin, old form',
    '10/10 10:10:10 SB-0001:  rin msg.a000427 (1, 512) uucp seismo user@seismo', long(10, 10, 10, 10, 10, 'SB-0001'),
    { kind: 'rin', msg: 'msg.a000427', naddrs: 1, bytes: 512, queue: 'uucp', host: 'seismo', sender: 'user@seismo',
      protocol: null },
    'reception'),
  g('end, delivered',
    ' 4/29  9:02:16 DL-1234:  end msg.aa12345 (MOK) local udel.edu steve [0: 0: 1]', long(4, 29, 9, 2, 16, 'DL-1234'),
    { kind: 'end', msg: 'msg.aa12345', status: 'MOK', queue: 'local', chan: null, host: 'udel.edu', mailbox: 'steve',
      latencySecs: 1 },
    'delivery'),
  g('end, queue(chan), permanent, long latency',
    '12/31 23:59:59 BG-0042:  end msg.aa00417 (NDEL) smtp(badhosts) mx.example.org nobody [26: 3: 7]',
    long(12, 31, 23, 59, 59, 'BG-0042'),
    { kind: 'end', msg: 'msg.aa00417', status: 'NDEL', queue: 'smtp', chan: 'badhosts', host: 'mx.example.org',
      mailbox: 'nobody', latencySecs: 26 * 3600 + 3 * 60 + 7 },
    'permanent_failure'),
  g('end, illegal code of the temporary class',
    ' 7/ 4 12:00:00 BG-0042:  end msg.aa00420 (*** Illegal:  0237) smtp mx.example.org ann [1:59:59]',
    long(7, 4, 12, 0, 0, 'BG-0042'),
    { kind: 'end', msg: 'msg.aa00420', status: '*** Illegal:  0237', queue: 'smtp', chan: null, host: 'mx.example.org',
      mailbox: 'ann', latencySecs: 7199 },
    'transient_failure'),
  g('end error form, temporary',
    ' 4/29 10:15:00 BG-0042:  end msg.aa00419 (TIME) ** SMTP Delivery (smtp) error **', long(4, 29, 10, 15, 0, 'BG-0042'),
    { kind: 'end_error', msg: 'msg.aa00419', status: 'TIME', chanShow: 'SMTP Delivery', chanName: 'smtp' },
    'transient_failure'),
  g('end error form, permanent',
    ' 4/29 10:15:01 BG-0042:  end msg.aa00418 (NO) ** SMTP Delivery (smtp) error **', long(4, 29, 10, 15, 1, 'BG-0042'),
    { kind: 'end_error', msg: 'msg.aa00418', status: 'NO', chanShow: 'SMTP Delivery', chanName: 'smtp' },
    'permanent_failure'),
  g('chan phase', ' 4/29  9:02:16 local 1234:  rcv', long(4, 29, 9, 2, 16, 'local 1234'),
    { kind: 'chan_phase', phase: 'rcv' }, 'other'),
  g('chan rmsg', ' 4/29  9:02:16 local 1234:  rmsg    1a       2573c', long(4, 29, 9, 2, 16, 'local 1234'),
    { kind: 'chan_msg', direction: 'rmsg', naddrs: 1, bytes: 2573 }, 'other'),
  g('chan wmsg, wide numbers', ' 4/29  9:02:16 smtp  0042:  wmsg 12345a 12345678901c', long(4, 29, 9, 2, 16, 'smtp  0042'),
    { kind: 'chan_msg', direction: 'wmsg', naddrs: 12345, bytes: 12345678901 }, 'other'),
  g('chan end with seconds', ' 4/29  9:02:17 smtp  0042:  end (OK)\t3s', long(4, 29, 9, 2, 17, 'smtp  0042'),
    { kind: 'chan_end', status: 'OK', durationSecs: 3 }, 'other'),
  g('chan end', ' 4/29  9:02:17 local 1234:  end (NOOP)', long(4, 29, 9, 2, 17, 'local 1234'),
    { kind: 'chan_end', status: 'NOOP', durationSecs: null }, 'other'),
  g('short prefix (log held open)', ' 2:15 writ', { form: 'short', minute: 2, second: 15, trimmed: false },
    { kind: 'chan_phase', phase: 'writ' }, 'other'),
  g('short prefix, trimmed', '2:05 wend', { form: 'short', minute: 2, second: 5, trimmed: true },
    { kind: 'chan_phase', phase: 'wend' }, 'other'),
  g('short prefix, two-digit minute', '42:00 wmsg    2a        100c', { form: 'short', minute: 42, second: 0, trimmed: false },
    { kind: 'chan_msg', direction: 'wmsg', naddrs: 2, bytes: 100 }, 'other'),
  g('open header', ' 4/29  9:02:15 delive0042:  ---  OPEN  ---(3)', long(4, 29, 9, 2, 15, 'delive0042'),
    { kind: 'open', fd: 3 }, 'other'),
  g('auth END (doc/auth.guide, trimmed)',
    "4/29  9:02:15 AU-0000:  msg.a000427: END size='2573', sender='steve'", long(4, 29, 9, 2, 15, 'AU-0000', true),
    authEntry('msg.a000427', "END size='2573', sender='steve'"), 'other'),
  g('auth check',
    " 4/29  9:02:15 AU-0000:  msg.a000427: i='local' o='smtp' a='steve@udel.edu' r='' r='OS'",
    long(4, 29, 9, 2, 15, 'AU-0000'),
    authEntry('msg.a000427', "i='local' o='smtp' a='steve@udel.edu' r='' r='OS'"), 'other'),
  g('auth refused',
    " 4/29  9:02:15 AU-0000:  msg.a000428: BAD AUTH i='smtp' o='smtp' s='spam@example.com' r='' msg='relay not allowed'",
    long(4, 29, 9, 2, 15, 'AU-0000'),
    authEntry('msg.a000428', "BAD AUTH i='smtp' o='smtp' s='spam@example.com' r='' msg='relay not allowed'"),
    'rejection'),
  g('free text from deliver', ' 4/29  9:02:20 BG-0042:  msg.aa12345 err ret', long(4, 29, 9, 2, 20, 'BG-0042'),
    { kind: 'text', text: 'msg.aa12345 err ret' }, 'other'),
  g('free text that starts with end', ' 4/29  9:02:20 BG-0042:  end of list', long(4, 29, 9, 2, 20, 'BG-0042'),
    { kind: 'text', text: 'end of list' }, 'other'),
  g('default tag, empty text', ' 1/ 1  0:00:00 XX-0000:  ', long(1, 1, 0, 0, 0, 'XX-0000'),
    { kind: 'text', text: '' }, 'other'),
  g('cycle marker', '***  CYCLING  ***', { form: 'none' }, { kind: 'marker', text: '***  CYCLING  ***' }, 'other'),
  g('closing cycle marker', 'CYCLED  ***', { form: 'none' }, { kind: 'marker', text: 'CYCLED  ***' }, 'other'),
];

/** Lines that look like MMDF but must not read, and why. */
export const MMDF_BAD: readonly { readonly line: string; readonly reason: MmdfReason }[] = [
  { line: '13/29  9:02:15 SB-1234:  lin msg.aa1 (1, 2) local steve', reason: 'prefix' },
  { line: '04/29  9:02:15 SB-1234:  lin msg.aa1 (1, 2) local steve', reason: 'prefix' },
  { line: ' 4/29  9:2:15 SB-1234:  lin msg.aa1 (1, 2) local steve', reason: 'prefix' },
  { line: ' 4/29 09:02:15 SB-1234:  lin msg.aa1 (1, 2) local steve', reason: 'prefix' },
  { line: ' 4/29  9:02:15 SB-1234: lin msg.aa1 (1, 2) local steve', reason: 'prefix' },
  { line: ' 4/29  9:02:15', reason: 'prefix' },
  { line: ' 2:15', reason: 'prefix' },
  { line: ' 4/29  9:02:15 SB-1234:  lin msg.aa1 (1 2) local steve', reason: 'syntax' },
  { line: ' 4/29  9:02:15 SB-1234:  lin msg.aa1 (1, 2) local steve SMTP extra', reason: 'field_count' },
  { line: ' 4/29  9:02:15 SB-1234:  rin msg.aa1 (1, 2) smtp host', reason: 'field_count' },
  { line: ' 4/29  9:02:15 SB-1234:  lin msg.aa1 (01, 2) local steve', reason: 'bad_number' },
  { line: ' 4/29  9:02:15 SB-1234:  lin msg.aa1 (x, 2) local steve', reason: 'bad_number' },
  { line: ' 4/29  9:02:16 BG-0042:  end msg.aa1 (FOO) local h steve [0: 0: 1]', reason: 'status' },
  { line: ' 4/29  9:02:16 BG-0042:  end msg.aa1 (*** Illegal:  0437) local h steve [0: 0: 1]', reason: 'status' },
  { line: ' 4/29  9:02:16 BG-0042:  end msg.aa1 (OK) local h steve [0:03: 1]', reason: 'latency' },
  { line: ' 4/29  9:02:16 BG-0042:  end msg.aa1 (OK) local h steve [0:60: 0]', reason: 'latency' },
  { line: ' 4/29  9:02:16 BG-0042:  end msg.aa1 (OK) local h steve [-1: 0: 0]', reason: 'latency' },
  { line: ' 4/29  9:02:16 BG-0042:  end msg.aa1 (OK) local steve [0: 0: 1]', reason: 'field_count' },
  { line: ' 4/29  9:02:16 BG-0042:  end msg.aa1 (OK) local h steve', reason: 'syntax' },
  { line: ' 4/29  9:02:16 BG-0042:  end msg.aa1 (TIME) ** SMTP Delivery error **', reason: 'syntax' },
  { line: ' 4/29  9:02:16 smtp  0042:  wmsg 1a 2573c', reason: 'bad_number' },
  { line: ' 4/29  9:02:16 smtp  0042:  wmsg    1a       2573', reason: 'syntax' },
  { line: ' 4/29  9:02:16 smtp  0042:  end (OK)\tthrees', reason: 'bad_number' },
  { line: ' 4/29  9:02:16 smtp  0042:  end (WHAT)', reason: 'status' },
  { line: ' 4/29  9:02:16 smtp  0042:  end (OK) 3s', reason: 'syntax' },
  { line: ' 4/29  9:02:15 delive0042:  ---  OPEN  ---(x)', reason: 'bad_number' },
  { line: ' 4/29  9:02:15 delive0042:  ---  OPEN  ---(3) more', reason: 'syntax' },
];
