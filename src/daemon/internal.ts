// Builds records for the daemon's own messages, so the paniclog is written by the same file
// output and formatter as every other log.

import { LogRecord } from '../record.js';
import { LOG_LEVEL_SEVERITY, type LogLevel } from '../telemetry/log.js';

const FACILITY_SYSLOG = 5;

export function internalRecord(level: LogLevel, text: string, time: number, hostname: string): LogRecord {
  const rec = new LogRecord(Buffer.from(text, 'utf8'), time, 'internal', '');
  rec.format = 'rfc3164';
  rec.facility = FACILITY_SYSLOG;
  rec.severity = LOG_LEVEL_SEVERITY[level];
  rec.hostname = hostname;
  rec.app = 'maillogd';
  rec.program = 'maillogd';
  rec.procid = String(process.pid);
  return rec;
}
