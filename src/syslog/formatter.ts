import type { LogRecord } from '../record.js';
import type { ByteSink } from '../util/bytesink.js';

/** Output line formats a file output can write. */
export type LineFormat = 'traditional' | 'rfc5424' | 'json' | 'raw';
export const LINE_FORMATS: readonly LineFormat[] = ['traditional', 'rfc5424', 'json', 'raw'];

/**
 * Appends one record as one line, including the trailing LF. Control bytes and invalid UTF-8 that
 * the record keeps raw are made safe here, so one record is always exactly one line.
 */
export type Formatter = (rec: LogRecord, out: ByteSink) => void;
