import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseOffers, RelpReader, rspFrame, type RelpFrame } from './frame.js';

const OPEN = '1 open 86 relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog\n';

function read(chunks: string[], max = 1024): { frames: RelpFrame[]; error: string | null } {
  const r = new RelpReader(max);
  const frames: RelpFrame[] = [];
  for (const c of chunks) {
    const e = r.push(Buffer.from(c), frames);
    if (e) return { frames, error: e.error };
  }
  return { frames, error: null };
}

describe('RELP frames', () => {
  it('reads what omrelp sends, whole or split anywhere', () => {
    const wire = OPEN + '2 syslog 9 <22>msg 1\n3 syslog 9 <22>msg 2\n4 close 0\n';
    for (let cut = 0; cut <= wire.length; cut++) {
      const { frames, error } = read([wire.slice(0, cut), wire.slice(cut)]);
      assert.equal(error, null);
      assert.deepEqual(frames.map((f) => [f.txnr, f.command, f.data.toString()]), [
        [1, 'open', 'relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog'],
        [2, 'syslog', '<22>msg 1'], [3, 'syslog', '<22>msg 2'], [4, 'close', ''],
      ]);
    }
  });

  it('keeps LF and any byte inside the data', () => {
    const { frames } = read(['7 syslog 5 a\nb\0c\n']);
    assert.deepEqual([...frames[0]!.data], [0x61, 0x0a, 0x62, 0x00, 0x63]);
  });

  it('refuses broken frames and oversize data', () => {
    assert.match(read(['x syslog 1 a\n']).error!, /transaction number/);
    assert.match(read(['1 syslog 3 abcX']).error!, /LF/);
    assert.match(read(['1 close 0 \n']).error!, /LF after a zero/);
    assert.match(read(['1 syslog 2000 ']).error!, /over the limit of 1024/);
    assert.match(read(['1234567890 open 0\n']).error!, /too long/);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
      const r = new RelpReader(256);
      const out: RelpFrame[] = [];
      for (const c of chunks) if (r.push(Buffer.from(c), out)) break;
    }), { numRuns: 20_000 });
  });

  it('writes responses as librelp expects them', () => {
    assert.equal(rspFrame(2, 200, 'OK').toString(), '2 rsp 6 200 OK\n');
    assert.equal(rspFrame(1, 200, 'OK', 'relp_version=0\ncommands=syslog').toString(), '1 rsp 37 200 OK\nrelp_version=0\ncommands=syslog\n');
    assert.deepEqual([...parseOffers(Buffer.from('relp_version=0\ncommands=syslog,foo\n'))], [['relp_version', '0'], ['commands', 'syslog,foo']]);
  });
});
