// Turns received frames into parsed records. Shared by every input so that all of them parse,
// flag and count the same way.

import { LogRecord, RecordFlag } from '../record.js';
import { parseRecord } from '../syslog/parse.js';
import type { Counter } from '../telemetry/counters.js';
import type { ComponentContext } from '../component.js';
import { DialectRecogniser, type DialectMode } from '../dialects/recognise.js';
import { bool } from '../config/schema.js';

/** `journal` key of the stream and datagram inputs. */
export const journalInputField = bool(false, 'Append every record to the daemon\'s journal as it arrives, so that a crash of the ' +
  'daemon loses none it had received: what the outputs had not written is routed again at the next start (a relp input always does this).');

const BAD_PRI = RecordFlag.PRI_INVALID | RecordFlag.PRI_MISSING;
const PROBLEMS = BAD_PRI | RecordFlag.PARSE_ERROR | RecordFlag.TRUNCATED;

export class Decoder {
  private readonly received: Counter;
  private readonly badPri: Counter;
  private readonly parseErrors: Counter;
  private readonly truncated: Counter;
  private readonly dialects: DialectRecogniser;

  constructor(private readonly input: string, ctx: ComponentContext, dialect: DialectMode = 'auto') {
    const scope = `input.${input}`;
    this.dialects = new DialectRecogniser(dialect, ctx.counters, scope);
    this.received = ctx.counters.get(scope, 'received');
    this.badPri = ctx.counters.get(scope, 'bad_pri');
    this.parseErrors = ctx.counters.get(scope, 'parse_errors');
    this.truncated = ctx.counters.get(scope, 'truncated');
  }

  /**
   * One frame → one record. `fallbackHost` names the sender when the line has no HOSTNAME: the
   * peer address for network inputs, the local machine name for local ones.
   */
  decode(frame: Buffer, peer: string, fallbackHost: string, now: number, truncated: boolean): LogRecord {
    const rec = new LogRecord(frame, now, this.input, peer);
    parseRecord(rec, fallbackHost);
    this.dialects.apply(rec);
    if (truncated) rec.flags |= RecordFlag.TRUNCATED;
    this.received.value++;
    if (rec.flags & PROBLEMS) this.countProblems(rec.flags);
    return rec;
  }

  // Apart from the path every record takes: the JIT then has room to build records inline.
  private countProblems(flags: number): void {
    if (flags & RecordFlag.TRUNCATED) this.truncated.value++;
    if (flags & BAD_PRI) this.badPri.value++;
    if (flags & RecordFlag.PARSE_ERROR) this.parseErrors.value++;
  }
}
