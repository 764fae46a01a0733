// Every documented example line, both ways: parse gives these exact fields and disposition, and
// these fields format to the exact line.

import assert from 'node:assert/strict';
import type { Disposition } from '../types.js';
import type { MomentumFields } from './fields.js';
import { FIXTURES } from './fixtures.js';
import { momentumDialect } from './index.js';

const ids = { messageId: '00/00-25593-CBD987F3', batchId: '00/00-03736-F4101B54', connectionId: '00/00-04532-A3456B54' };
const sec = (epoch: number) => ({ epoch, epochMicros: null });

const EXPECTED: Record<string, [MomentumFields, Disposition]> = {
  'mainlog reception': [{
    log: 'mainlog', type: 'R', ...sec(1064868656), ...ids, messageId: '00/00-25004-31B987F3',
    rcptLocalpart: 'bob', rcptDomain: 'example.fict', senderLocalpart: 'info', senderDomain: 'postalengine.com',
    sourceIp: '10.0.1.1', sizeBytes: 201, protocol: 'esmtp', bindingGroup: 'default', binding: 'default',
  }, 'reception'],
  'mainlog delivery': [{
    log: 'mainlog', type: 'D', ...sec(1064871280), ...ids, messageId: '20/00-25593-945A87F3', domain: 'postalengine.com',
    bytes: 266, bindingGroup: 'group-a', binding: 'binding-a', retries: 0, secondsSinceReception: 0.393, secondsText: '0.393',
    remoteIp: '10.0.0.1',
  }, 'delivery'],
  'mainlog transient failure': [{
    log: 'mainlog', type: 'T', ...sec(1064869327), ...ids, domain: 'example.fict', bytes: 0, bindingGroup: 'group-a',
    binding: 'binding-a', stage: 15, stageName: 'during STARTTLS', retries: 0, secondsSinceReception: 18.53,
    secondsText: '18.53', remoteIp: '10.0.0.1', error: '421 no adequate servers',
  }, 'transient_failure'],
  'mainlog permanent failure': [{
    log: 'mainlog', type: 'P', ...sec(1064869327), ...ids, domain: 'postalengine.com', bytes: 31, bindingGroup: 'group-a',
    binding: 'binding-a', stage: 5, stageName: 'after RCPT TO', retries: 1, secondsSinceReception: 3.89,
    secondsText: '3.89', remoteIp: '10.0.0.1', error: '552 No such account',
  }, 'permanent_failure'],
  'mainlog heartbeat (4.x)': [{ log: 'mainlog', type: 'M', ...sec(1251470342) }, 'other'],
  'mainlog heartbeat (3.x)': [{ log: 'mainlog', type: 'M1', ...sec(1251470342) }, 'other'],
  'rejectlog rejection': [{
    log: 'rejectlog', type: 'rejection', ...sec(1236672125),
    items: [
      { key: 'R', value: '10.79.25.142:42601', style: 'quoted' },
      { key: 'L', value: '10.79.25.142:25', style: 'quoted' },
      { key: 'C', value: '18/00-07149-D7E16B94', style: 'quoted' },
      { key: 'PATH', value: 'default', style: 'quoted' },
      { key: 'PATH_GRP', value: 'default', style: 'quoted' },
      { key: 'P', value: 'awaiting mailfrom', style: 'quoted' },
      { key: 'E', value: '550', style: 'bare' },
      { key: 'M', value: 'scriptlet', style: 'bare' },
      { key: 'CTXCONN', value: 'pathway=default,ehlo_string="EHLO rh52-node1",ehlo_domain=rh52-node1', style: 'bracketed' },
      { key: 'CTXMESS', value: 'mailfrom_domain=,mailfrom_string="MAIL FROM:<>",mailfrom_localpart=', style: 'bracketed' },
    ],
    reason: 'relaying denied', remote: '10.79.25.142:42601', local: '10.79.25.142:25', connectionId: '18/00-07149-D7E16B94',
    path: 'default', pathGroup: 'default', phase: 'awaiting mailfrom', code: 550, module: 'scriptlet',
    ctxConn: 'pathway=default,ehlo_string="EHLO rh52-node1",ehlo_domain=rh52-node1',
    ctxMess: 'mailfrom_domain=,mailfrom_string="MAIL FROM:<>",mailfrom_localpart=',
  }, 'rejection'],
  'rejectlog heartbeat': [{ log: 'rejectlog', type: 'marker', ...sec(1252064908), marker: 1 }, 'other'],
  'paniclog text': [{ log: 'paniclog', type: 'text', ...sec(1251465322), text: 'scriptlet: no usable methods found for module' }, 'error'],
  'paniclog HTTP request': [{
    log: 'paniclog', type: 'http', ...sec(1307461172), ip: '192.168.0.197', method: 'POST', path: 'api/v1/transmissions',
    version: 'HTTP/1.1', status: 200, bytes: 224, ms: 5, msText: '5.000',
  }, 'error'],
  'acctlog authentication over TCP': [{
    log: 'acctlog', type: 'N', ...sec(1160172232), listener: '*:2025', peer: '10.80.116.126:37164', user: 'ec_user', result: 1,
  }, 'other'],
  'acctlog authentication over a Unix socket': [{
    log: 'acctlog', type: 'N', ...sec(1160503808), listener: '<scratch>/2025', peer: '', user: 'ec-user', result: 1,
  }, 'other'],
  'acctlog authorization': [{
    log: 'acctlog', type: 'Z', ...sec(1160503811), listener: '<scratch>/2025', peer: '', user: 'ec-user', result: 1,
    command: 'summary', role: 'users',
  }, 'other'],
  'importlog (from the documented layout)': [{
    log: 'importlog', type: 'I', ...sec(1160503811), origId: '00/00-12345-ABCDEF01', newId: '00/00-54321-10FEDCBA', result: 1,
    spoolDir: '/var/spool/ecelerity',
  }, 'other'],
  'mainlog delivery, log_hires_timestamp (from the documented layout)': [{
    log: 'mainlog', type: 'D', epoch: 1064871280, epochMicros: 12345, ...ids, messageId: '20/00-25593-945A87F3',
    domain: 'postalengine.com', bytes: 266, bindingGroup: 'group-a', binding: 'binding-a', retries: 0,
    secondsSinceReception: 0.393, secondsText: '0.393', remoteIp: '10.0.0.1',
  }, 'delivery'],
};

describe('momentum golden lines', () => {
  it('has expected fields for every fixture and a fixture for every log', () => {
    assert.deepEqual(Object.keys(EXPECTED).sort(), FIXTURES.map((f) => f.name).sort());
    assert.deepEqual([...new Set(FIXTURES.map((f) => f.log))].sort(), ['acctlog', 'importlog', 'mainlog', 'paniclog', 'rejectlog']);
  });

  for (const fx of FIXTURES) {
    const [fields, disposition] = EXPECTED[fx.name]!;
    const line = Buffer.from(fx.line, 'utf8');

    it(`${fx.name}: looks like Momentum`, () => {
      assert.equal(momentumDialect.looksLike(line), true);
    });

    it(`${fx.name}: parses to its fields`, () => {
      const r = momentumDialect.parse(line);
      assert.deepEqual(r, { ok: true, fields, disposition });
      assert.equal(fields.log, fx.log);
      assert.equal(fields.type, fx.type);
    });

    it(`${fx.name}: formats byte for byte`, () => {
      assert.deepEqual(momentumDialect.format(fields), line);
    });
  }
});
