import assert from 'node:assert/strict';
import { readAddresses } from './facts.js';

const read = (s: string) => readAddresses(Buffer.from(s, 'latin1'));

describe('dialects/axigen facts', () => {
  it('reads server and client of a connection accepted line', () => {
    assert.deepEqual(read('[192.0.2.10:993] connection accepted from [198.51.100.10:50000]'), {
      server: { ip: '192.0.2.10', port: 993 }, client: { ip: '198.51.100.10', port: 50000 },
    });
  });

  it('reads a leading server address alone, and IPv6', () => {
    assert.deepEqual(read('[192.0.2.10:25] too many errors'), { server: { ip: '192.0.2.10', port: 25 }, client: null });
    assert.deepEqual(read('[2001:db8::1:993] connection accepted from [2001:db8::2:50000]'), {
      server: { ip: '2001:db8::1', port: 993 }, client: { ip: '2001:db8::2', port: 50000 },
    });
  });

  it('reads nothing from other messages', () => {
    for (const m of ['', '[', 'User [alice@example.test] successfully authorized!', '[alice@example.test] x',
      '[192.0.2.10] x', '[192.0.2.10:70000] x', '[192.0.2.10:] x', '[:25] x', '[999.0.2.10:25] x']) {
      assert.equal(read(m), null, m);
    }
    assert.deepEqual(read('[192.0.2.10:993] connection accepted from [bogus]'), { server: { ip: '192.0.2.10', port: 993 }, client: null });
    assert.deepEqual(read('[192.0.2.10:993] connection accepted from '), { server: { ip: '192.0.2.10', port: 993 }, client: null });
  });
});
