import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bufferOf, bufferView, byteOffsetOf, indexOfByte, plainView, setBytes } from './views.js';

describe('util/views', () => {
  it('makes a view that is a Buffer over the same memory', () => {
    const line = '<13>Nov 22 04:36:21 host app: hello';
    const chunk = Buffer.from(`xx${line}\nyy`, 'latin1');
    const v = bufferView(bufferOf(chunk), byteOffsetOf(chunk) + 2, line.length);
    assert.ok(Buffer.isBuffer(v));
    assert.equal(v.length, line.length);
    assert.equal(v.toString('latin1'), line);
    assert.equal(v.toString('latin1', 4, 7), 'Nov');
    assert.equal(v.indexOf(0x3a), chunk.indexOf(0x3a) - 2);
    assert.equal(indexOfByte(v, 0x3a, 0), v.indexOf(0x3a));
    assert.equal(indexOfByte(v, 0x3a, v.indexOf(0x3a) + 1), v.indexOf(0x3a, v.indexOf(0x3a) + 1));
    assert.equal(indexOfByte(v, 0x0a, 0), -1); // the chunk's LF lies past the view's end
    assert.ok(v.equals(chunk.subarray(2, 2 + line.length)));
    chunk[2] = 0x5b; // no copy: the view sees the chunk change
    assert.equal(v[0], 0x5b);
    assert.equal(Buffer.concat([v, Buffer.from('!')]).toString('latin1'), '[13>Nov 22 04:36:21 host app: hello!');
  });

  it('reads buffer and byteOffset, copies and views as the methods do', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), fc.nat(300), fc.nat(64), (bytes, a, b, at) => {
      const pool = Buffer.alloc(bytes.length + 64);
      pool.set(bytes, 32);
      const src = pool.subarray(32, 32 + bytes.length);
      assert.equal(bufferOf(src), src.buffer);
      assert.equal(byteOffsetOf(src), src.byteOffset);
      const start = Math.min(a, b, src.length);
      const end = Math.min(Math.max(a, b), src.length);
      const view = plainView(src, start, end);
      assert.deepEqual(Buffer.from(view), Buffer.from(src.subarray(start, end)));
      const dst = Buffer.alloc(end - start + 64, 7);
      const want = Buffer.from(dst);
      want.set(src.subarray(start, end), at);
      setBytes(dst, view, at);
      assert.deepEqual(dst, want);
    }), { numRuns: 2000 });
  });
});
