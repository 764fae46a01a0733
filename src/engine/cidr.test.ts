import assert from 'node:assert/strict';
import { cidrContains, parseCidr, parseIp, type Cidr } from './cidr.js';

function cidr(text: string): Cidr {
  const c = parseCidr(text);
  if (typeof c === 'string') throw new Error(c);
  return c;
}
const inside = (block: string, ip: string) => cidrContains(cidr(block), parseIp(ip)!);

describe('engine/cidr', () => {
  it('parses IPv4 and IPv6 addresses', () => {
    assert.deepEqual(parseIp('192.0.2.1'), { family: 4, words: [0xc0000201] });
    assert.deepEqual(parseIp('2001:db8::1'), { family: 6, words: [0x20010db8, 0, 0, 1] });
    assert.deepEqual(parseIp('::'), { family: 6, words: [0, 0, 0, 0] });
    assert.deepEqual(parseIp('[::1]'), { family: 6, words: [0, 0, 0, 1] });
    assert.deepEqual(parseIp('fe80::1%eth0'), { family: 6, words: [0xfe800000, 0, 0, 1] });
    assert.deepEqual(parseIp('1:2:3:4:5:6:7:8'), { family: 6, words: [0x10002, 0x30004, 0x50006, 0x70008] });
  });

  it('refuses what is not an address', () => {
    for (const t of ['', '1.2.3', '1.2.3.256', '01.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9', 'g::1', 'unix', 'host.example']) {
      assert.equal(parseIp(t), null, t);
    }
  });

  it('reads an IPv4-mapped IPv6 peer as IPv4', () => {
    assert.deepEqual(parseIp('::ffff:192.0.2.1'), { family: 4, words: [0xc0000201] });
    assert.deepEqual(parseIp('::ffff:c000:201'), { family: 4, words: [0xc0000201] });
    assert.ok(inside('192.0.2.0/24', '::ffff:192.0.2.77'));
    assert.ok(inside('::ffff:192.0.2.0/120', '192.0.2.9'));
  });

  it('matches IPv4 blocks', () => {
    assert.ok(inside('10.0.0.0/8', '10.255.1.2'));
    assert.ok(!inside('10.0.0.0/8', '11.0.0.1'));
    assert.ok(inside('0.0.0.0/0', '203.0.113.5'));
    assert.ok(inside('192.0.2.7', '192.0.2.7'));
    assert.ok(!inside('192.0.2.7', '192.0.2.8'));
    assert.ok(inside('192.0.2.128/25', '192.0.2.200'));
    assert.ok(!inside('192.0.2.128/25', '192.0.2.127'));
  });

  it('matches IPv6 blocks at any prefix length', () => {
    assert.ok(inside('2001:db8::/32', '2001:db8:ffff::1'));
    assert.ok(!inside('2001:db8::/32', '2001:db9::1'));
    assert.ok(inside('2001:db8:0:1::/64', '2001:db8:0:1:aaaa::1'));
    assert.ok(!inside('2001:db8:0:1::/64', '2001:db8:0:2::1'));
    assert.ok(inside('2001:db8::1:0/112', '2001:db8::1:ffff'));
    assert.ok(inside('::1', '::1'));
    assert.ok(inside('::/0', 'fe80::1'));
  });

  it('keeps the families apart', () => {
    assert.ok(!inside('::/0', '192.0.2.1'));
    assert.ok(!inside('0.0.0.0/0', '::1'));
  });

  it('explains what is wrong with a bad block', () => {
    assert.match(parseCidr('10.0.0.0/33') as string, /prefix length must be 0\.\.32/);
    assert.match(parseCidr('2001:db8::/129') as string, /0\.\.128/);
    assert.match(parseCidr('10.1.2.3/8') as string, /host bits are set; did you mean 10\.0\.0\.0\/8\?/);
    assert.match(parseCidr('2001:db8::1/32') as string, /did you mean 2001:db8::\/32\?/);
    assert.match(parseCidr('300.1.1.1') as string, /not an IPv4 or IPv6 address/);
    assert.match(parseCidr('fe80::%eth0/64') as string, /zone/);
    assert.match(parseCidr('::ffff:0:0/95') as string, /96 or more/);
  });
});
