import assert from 'node:assert/strict';
import type { MainlogFailure, MainlogFields } from './fields.js';
import { formatMainlog, mainlogText, parseMainlog } from './mainlog.js';
import { CONNECTION_STAGES, stageName } from './stages.js';

const IDS = '1064869327@00/00-25593-CBD987F3@00/00-03736-F4101B54@00/00-04532-A3456B54';
const parse = (s: string) => parseMainlog(Buffer.from(s, 'utf8'));

describe('momentum mainlog', () => {
  it('keeps `@` and spaces in the error text, which is the rest of the line', () => {
    const line = `${IDS}@P@example.fict@31@group-a@binding-a@5@1@3.89@10.0.0.1@550 5.1.1 <bob@example.fict>: unknown @ here  `;
    const r = parse(line) as MainlogFailure;
    assert.equal(r.error, '550 5.1.1 <bob@example.fict>: unknown @ here  ');
    assert.equal(mainlogText(r), line);
  });

  it('reads an empty error text', () => {
    const r = parse(`${IDS}@T@example.fict@0@group-a@binding-a@0@0@0@10.0.0.1@`) as MainlogFailure;
    assert.equal(r.error, '');
    assert.equal(r.stageName, 'not connected');
  });

  it('names a stage code the table lacks `unknown` and keeps the code', () => {
    const r = parse(`${IDS}@T@example.fict@0@group-a@binding-a@99@0@1@10.0.0.1@x`) as MainlogFailure;
    assert.equal(r.stage, 99);
    assert.equal(r.stageName, 'unknown');
    assert.equal(CONNECTION_STAGES.length, 23);
    assert.equal(stageName(22), 'unknown');
    assert.equal(stageName(17), 'handshaking TLS');
  });

  it('writes seconds from the number when the text no longer matches it', () => {
    const r = parse(`${IDS}@T@example.fict@0@group-a@binding-a@15@0@18.53@10.0.0.1@421 x`) as MainlogFailure;
    assert.match(mainlogText({ ...r, secondsSinceReception: 2.5 }), /@15@0@2\.5@10\.0\.0\.1@421 x$/);
    const noText: MainlogFailure = { ...r, secondsText: undefined };
    assert.match(mainlogText({ ...noText, secondsSinceReception: 1 / 3 }), /@0\.333@/);
    assert.match(mainlogText({ ...noText, secondsSinceReception: Number.NaN }), /@15@0@0@/);
  });

  it('writes a record built from scratch, an `@` inside a field becoming `_`', () => {
    const r: MainlogFields = {
      log: 'mainlog', type: 'R', epoch: 1700000000, epochMicros: 5, messageId: 'm', batchId: 'b', connectionId: 'c',
      rcptLocalpart: 'a@b', rcptDomain: 'example.com', senderLocalpart: '', senderDomain: '', sourceIp: 'unknown',
      sizeBytes: 12.5, protocol: 'rest', bindingGroup: 'default', binding: 'default',
    };
    assert.equal(mainlogText(r), '1700000000000005@m@b@c@R@a_b@example.com@@@unknown@0@rest@default@default');
  });

  it('writes a line that was not UTF-8 back byte for byte', () => {
    const line = Buffer.concat([Buffer.from(`${IDS}@P@example.fict@0@g@b@5@1@3.89@10.0.0.1@550 `), Buffer.from([0xe9, 0xff, 0x80])]);
    const r = parseMainlog(line) as MainlogFailure;
    assert.equal(r.latin1, true);
    assert.deepEqual(formatMainlog(r), line);
  });

  it('reads a UTF-8 line as UTF-8', () => {
    const r = parse(`${IDS}@P@exämple.fict@0@g@b@5@1@3.89@10.0.0.1@550 ünknown`) as MainlogFailure;
    assert.equal(r.latin1, undefined);
    assert.equal(r.error, '550 ünknown');
  });
});
