// Short samples of the format for golden tests, with the fields each one reads as. The first two
// lines are the reference's examples (formats §2.3); the rest vary the zone and shape.

import type { AxigenFields } from './fields.js';

export type AxigenSample = { readonly name: string; readonly line: string; readonly fields: AxigenFields };

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

export const AXIGEN_SAMPLES: readonly AxigenSample[] = [
  {
    name: 'IMAP connection accepted, +0000',
    line: '2026-01-15 10:00:00 +0000 08 mail.example.test IMAP:session-a: [192.0.2.10:993] connection accepted from [198.51.100.10:50000]',
    fields: {
      shape: 'line',
      stamp: {
        year: 2026, month: 1, day: 15, hour: 10, minute: 0, second: 0,
        zoneOffsetMin: 0, zone: '+0000', time: Date.UTC(2026, 0, 15, 10, 0, 0),
      },
      level: 8, levelText: '08', host: 'mail.example.test', service: 'IMAP', session: 'session-a',
      message: b('[192.0.2.10:993] connection accepted from [198.51.100.10:50000]'),
      addresses: { server: { ip: '192.0.2.10', port: 993 }, client: { ip: '198.51.100.10', port: 50000 } },
    },
  },
  {
    name: 'PROCESSING, +0545',
    line: '2026-07-06 13:10:08 +0545 08 axigen PROCESSING:002C2605: ...',
    fields: {
      shape: 'line',
      stamp: {
        year: 2026, month: 7, day: 6, hour: 13, minute: 10, second: 8,
        zoneOffsetMin: 345, zone: '+0545', time: Date.UTC(2026, 6, 6, 7, 25, 8),
      },
      level: 8, levelText: '08', host: 'axigen', service: 'PROCESSING', session: '002C2605',
      message: b('...'), addresses: null,
    },
  },
  {
    name: 'SMTP-IN error, -0330, date rolls over in UTC',
    line: '2026-12-31 22:45:00 -0330 02 mx1.example.test SMTP-IN:00000022: [192.0.2.10:25] too many errors',
    fields: {
      shape: 'line',
      stamp: {
        year: 2026, month: 12, day: 31, hour: 22, minute: 45, second: 0,
        zoneOffsetMin: -210, zone: '-0330', time: Date.UTC(2027, 0, 1, 2, 15, 0),
      },
      level: 2, levelText: '02', host: 'mx1.example.test', service: 'SMTP-IN', session: '00000022',
      message: b('[192.0.2.10:25] too many errors'),
      addresses: { server: { ip: '192.0.2.10', port: 25 }, client: null },
    },
  },
  {
    name: 'protocol level, empty message',
    line: '2026-02-28 23:59:59 +0000 16 mail.example.test SMTP-OUT:0000A1B2: ',
    fields: {
      shape: 'line',
      stamp: {
        year: 2026, month: 2, day: 28, hour: 23, minute: 59, second: 59,
        zoneOffsetMin: 0, zone: '+0000', time: Date.UTC(2026, 1, 28, 23, 59, 59),
      },
      level: 16, levelText: '16', host: 'mail.example.test', service: 'SMTP-OUT', session: '0000A1B2',
      message: b(''), addresses: null,
    },
  },
  {
    name: 'bare tail, as a syslog MSG (inferred shape)',
    line: 'SMTP-IN:00000022: [192.0.2.10:25] connection accepted from [203.0.113.20:41000]',
    fields: {
      shape: 'bare', service: 'SMTP-IN', session: '00000022',
      message: b('[192.0.2.10:25] connection accepted from [203.0.113.20:41000]'),
      addresses: { server: { ip: '192.0.2.10', port: 25 }, client: { ip: '203.0.113.20', port: 41000 } },
    },
  },
];

/** Malformed lines and the reason each must give. */
export const AXIGEN_BAD_LINES: readonly { readonly reason: string; readonly what: string; readonly line: string }[] = [
  { reason: 'timestamp', what: 'month 13', line: '2026-13-15 10:00:00 +0000 08 mail.example.test IMAP:session-a: x' },
  { reason: 'timestamp', what: '29 February in a common year', line: '2026-02-29 10:00:00 +0000 08 mail.example.test IMAP:session-a: x' },
  { reason: 'timestamp', what: 'slashes in the date', line: '2026/01/15 10:00:00 +0000 08 mail.example.test IMAP:session-a: x' },
  { reason: 'timestamp', what: 'hour 24', line: '2026-01-15 24:00:00 +0000 08 mail.example.test IMAP:session-a: x' },
  { reason: 'zone', what: 'no zone sign', line: '2026-01-15 10:00:00 0000 08 mail.example.test IMAP:session-a: x' },
  { reason: 'zone', what: 'zone with a colon', line: '2026-01-15 10:00:00 +05:45 08 mail.example.test IMAP:session-a: x' },
  { reason: 'zone', what: 'zone minutes 60', line: '2026-01-15 10:00:00 +0560 08 mail.example.test IMAP:session-a: x' },
  { reason: 'level', what: 'level 99', line: '2026-01-15 10:00:00 +0000 99 mail.example.test IMAP:session-a: x' },
  { reason: 'level', what: 'level 03 (not one bit)', line: '2026-01-15 10:00:00 +0000 03 mail.example.test IMAP:session-a: x' },
  { reason: 'level', what: 'level name instead of LL', line: '2026-01-15 10:00:00 +0000 info mail.example.test IMAP:session-a: x' },
  { reason: 'host', what: 'empty host', line: '2026-01-15 10:00:00 +0000 08  IMAP:session-a: x' },
  { reason: 'service', what: 'missing session colon', line: '2026-01-15 10:00:00 +0000 08 mail.example.test IMAP:session-a x' },
  { reason: 'service', what: 'no colon after the service', line: '2026-01-15 10:00:00 +0000 08 mail.example.test IMAP session-a: x' },
  { reason: 'service', what: 'empty session', line: '2026-01-15 10:00:00 +0000 08 mail.example.test IMAP::x' },
  { reason: 'service', what: 'lowercase bare service', line: 'imap:session-a: x' },
  { reason: 'truncated', what: 'ends in the time', line: '2026-01-15 10:0' },
  { reason: 'truncated', what: 'ends in the zone', line: '2026-01-15 10:00:00 +00' },
  { reason: 'truncated', what: 'ends in the level', line: '2026-01-15 10:00:00 +0000 08' },
  { reason: 'truncated', what: 'ends in the host', line: '2026-01-15 10:00:00 +0000 08 mail.example.test' },
  { reason: 'truncated', what: 'ends in the session', line: '2026-01-15 10:00:00 +0000 08 mail.example.test IMAP:session-a' },
  { reason: 'truncated', what: 'ends after the session colon', line: '2026-01-15 10:00:00 +0000 08 mail.example.test IMAP:session-a:' },
  { reason: 'truncated', what: 'empty line', line: '' },
];
