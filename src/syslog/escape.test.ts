import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteSink } from '../util/bytesink.js';
import { writeEscaped } from './escape.js';

/** The definition, one byte at a time. */
function reference(src: Uint8Array, start: number, end: number): Buffer {
  const out: number[] = [];
  for (let i = start; i < end; i++) {
    const b = src[i]!;
    if ((b < 0x20 && b !== 0x09) || b === 0x7f) out.push(0x23, 0x30 + (b >> 6), 0x30 + ((b >> 3) & 7), 0x30 + (b & 7));
    else out.push(b);
  }
  return Buffer.from(out);
}

describe('writeEscaped', () => {
  it('escapes controls and DEL as #ooo, keeps TAB and every byte from 0x80 (property)', () => {
    // Mostly printable, so that runs long enough for the word-wise check occur, with each kind of byte
    // the check must tell apart: controls, TAB, DEL, 0x80-0x9F and 0xFF (which its first test lets through).
    const byte = fc.oneof(
      { weight: 20, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
      { weight: 1, arbitrary: fc.constantFrom(0x00, 0x09, 0x0a, 0x0d, 0x1f, 0x7f, 0x80, 0x9f, 0xa0, 0xff) },
    );
    const input = fc.array(byte, { maxLength: 400, size: 'max' }).chain((a) => fc.tuple(
      fc.constant(Buffer.from(a)), fc.nat(a.length), fc.nat(a.length), fc.nat(200)));
    fc.assert(fc.property(input, ([src, x, y, before]) => {
      const [start, end] = x <= y ? [x, y] : [y, x];
      const out = new ByteSink(16);
      // What the sink holds already, which a copy of the whole source that starts before it must keep.
      const held = Buffer.from(Array.from({ length: before }, (_, i) => 0x41 + (i % 26)));
      out.bytes(held);
      writeEscaped(out, src, start, end);
      const got = out.take();
      assert.deepEqual(got.subarray(0, before), held);
      assert.deepEqual(got.subarray(before), reference(src, start, end));
    }), { numRuns: 20_000 });
  });

  it('escapes a 1 MiB frame of nothing but controls', () => {
    const src = Buffer.alloc(1 << 20, 0x01);
    const out = new ByteSink();
    writeEscaped(out, src, 0, src.length);
    assert.equal(out.len, src.length * 4);
    assert.deepEqual(out.buf.subarray(0, 8), Buffer.from('#001#001'));
  });
});
