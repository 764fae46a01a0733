// Malformed lines of every kind give a DialectError with a stable reason; none throws.

import assert from 'node:assert/strict';
import type { DialectError } from '../types.js';
import { parseAcctlog } from './acctlog.js';
import { parseImportlog } from './importlog.js';
import { momentumDialect } from './index.js';
import { parseMainlog } from './mainlog.js';
import { parsePaniclog } from './paniclog.js';
import { parseRejectlog } from './rejectlog.js';

const IDS = '1064871280@20/00-25593-945A87F3@00/00-03736-F4101B54@00/00-04532-A3456B54';

/** [line, reason]: read by the dialect's own detection. */
const BAD: readonly [string, string][] = [
  ['', 'truncated'],
  ['1064871280', 'truncated'],
  ['106487128@D', 'bad_timestamp'],
  ['10648712801@D', 'bad_timestamp'],
  ['10648712801234567@D', 'bad_timestamp'],
  ['x064871280@D', 'bad_timestamp'],
  ['1064871280 D', 'bad_separator'],
  // mainlog
  ['1064871280@a@b', 'truncated'],
  ['1064871280@a@b@c', 'truncated'],
  [`${IDS}@Q@x`, 'unknown_type'],
  [`${IDS}@B@x`, 'unknown_type'],
  [`${IDS}@`, 'unknown_type'],
  [`${IDS}@D@postalengine.com@266@group-a@binding-a@0@0.393`, 'field_count'],
  [`${IDS}@D@postalengine.com@266@group-a@binding-a@0@0.393@10.0.0.1@extra`, 'field_count'],
  [`${IDS}@R@bob@example.fict@info@postalengine.com@10.0.1.1@201@esmtp@default`, 'field_count'],
  [`${IDS}@T@example.fict@0@group-a@binding-a@15@0@18.53@10.0.0.1`, 'field_count'],
  [`${IDS}@D@postalengine.com@26x@group-a@binding-a@0@0.393@10.0.0.1`, 'bad_number'],
  [`${IDS}@D@postalengine.com@0266@group-a@binding-a@0@0.393@10.0.0.1`, 'bad_number'],
  [`${IDS}@D@postalengine.com@266@group-a@binding-a@-1@0.393@10.0.0.1`, 'bad_number'],
  [`${IDS}@D@postalengine.com@266@group-a@binding-a@0@.393@10.0.0.1`, 'bad_number'],
  [`${IDS}@D@postalengine.com@266@group-a@binding-a@0@0.@10.0.0.1`, 'bad_number'],
  [`${IDS}@R@bob@example.fict@info@postalengine.com@10.0.1.1@@esmtp@default@default`, 'bad_number'],
  [`${IDS}@T@example.fict@0@group-a@binding-a@1e1@0@18.53@10.0.0.1@421 x`, 'bad_number'],
  [`${IDS}@P@example.fict@0@group-a@binding-a@5@one@18.53@10.0.0.1@552 x`, 'bad_number'],
  ['1251470342@a@@@M', 'bad_heartbeat'],
  ['1251470342@@@@M@', 'field_count'],
  // rejectlog
  ['1236672125: R="10.79.25.142:42601 L="x"y', 'truncated'],
  ['1236672125: R="10.79.25.142:42601" CTXCONN=[pathway=default', 'truncated'],
  ['1236672125: R="10.79.25.142:42601" E=55O relaying denied', 'bad_number'],
  ['1236672125: E= relaying denied', 'bad_number'],
  // acctlog
  ['1160172232@N@*:2025@10.80.116.126:37164@ec_user', 'field_count'],
  ['1160172232@N@*:2025@10.80.116.126:37164@ec_user@1@x', 'field_count'],
  ['1160172232@Z@*:2025@@ec_user@1', 'field_count'],
  ['1160172232@Z@*:2025@@ec_user@1@summary@users@x', 'field_count'],
  ['1160172232@T@*:2025@', 'field_count'],
  ['1160172232@N@*:2025@@ec_user@yes', 'bad_number'],
  ['1160172232@N@*:2025@@ec_user@01', 'bad_number'],
  ['1160172232@N@*:2025@@ec\\user@1', 'bad_escape'],
  ['1160172232@N@*:2025@@ec_user\\@1', 'field_count'],
  ['1160172232@N@*:2025@@ec_user@1\\', 'bad_escape'],
  ['1160172232@N@*:2025@@ec\x01user@1', 'bad_escape'],
  ['1160172232@N@*:2025@@ec\\x0auser@1', 'bad_escape'],
  ['1160172232@N@*:2025@@ec\\x0Buser@1', 'bad_escape'],
  ['1160172232@N@*:2025@@ec\\x4buser@1', 'bad_escape'],
  // importlog
  ['1160503811@a@I@b@1', 'field_count'],
  ['1160503811@a@I@b@x@/var/spool', 'bad_number'],
];

/** [parser, line, reason]: read by one log's own parser. */
const BAD_DIRECT: readonly [(b: Buffer) => unknown, string, string][] = [
  [parseMainlog, '1236672125: R="x"', 'bad_separator'],
  [parseRejectlog, '1064868656@R', 'bad_separator'],
  [parseRejectlog, '1236672125:', 'truncated'],
  [parseRejectlog, '1236672125:R="x"', 'bad_separator'],
  [parsePaniclog, '1160172232@N', 'bad_separator'],
  [parsePaniclog, '11601722', 'truncated'],
  [parseAcctlog, '1160172232@R@x', 'unknown_type'],
  [parseAcctlog, '1160172232@', 'unknown_type'],
  [parseAcctlog, '1160172232:N', 'bad_separator'],
  [parseImportlog, '1160503811@a@R@b@1@/x', 'unknown_type'],
  [parseImportlog, '1160503811:a', 'bad_separator'],
];

function assertError(r: unknown, reason: string, line: string): void {
  const e = r as DialectError;
  assert.equal(e.ok, false, `expected ${reason} for ${JSON.stringify(line)}, got ${JSON.stringify(r)}`);
  assert.equal(e.reason, reason, `${JSON.stringify(line)}: ${e.detail}`);
  assert.equal(typeof e.detail, 'string');
  assert.ok(e.detail.length > 0);
}

describe('momentum malformed lines', () => {
  for (const [line, reason] of BAD) {
    it(`${reason}: ${JSON.stringify(line.length > 70 ? `…${line.slice(-60)}` : line)}`, () => {
      assertError(momentumDialect.parse(Buffer.from(line, 'utf8')), reason, line);
    });
  }
  for (const [parse, line, reason] of BAD_DIRECT) {
    it(`${parse.name} ${reason}: ${JSON.stringify(line)}`, () => {
      assertError(parse(Buffer.from(line, 'utf8')), reason, line);
    });
  }
});
