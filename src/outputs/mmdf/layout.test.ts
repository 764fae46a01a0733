import assert from 'node:assert/strict';
import { CYCLED, CYCLED_CLOSE, CYCLING, blocksOf, place, type FileState, type Piece } from './layout.js';

/** A batch of entries of the given lengths, each filled with its index's letter. */
function run(lengths: number[]): { buf: Buffer; ends: number[]; count: number } {
  const parts = lengths.map((n, i) => Buffer.alloc(n, 0x61 + (i % 26)));
  const ends: number[] = [];
  let at = 0;
  for (const p of parts) ends.push((at += p.length));
  return { buf: Buffer.concat(parts), ends, count: lengths.length };
}

function fresh(size: number, maxBlocks: number): FileState {
  return { pos: size, size, ownEnd: size, cycled: false, maxBlocks };
}

/** Applies pieces to a file image, as the writes would. */
function apply(file: Buffer, pieces: Piece[]): Buffer {
  let out: Buffer = file;
  for (const p of pieces) {
    const data = Buffer.concat(p.bufs);
    const at = p.position ?? out.length;
    if (at + data.length > out.length) out = Buffer.concat([out, Buffer.alloc(at + data.length - out.length)]);
    data.copy(out, at);
  }
  return out;
}

const none = (): null => null;

describe('outputs/mmdf layout', () => {
  it('has the markers MMDF writes', () => {
    assert.equal(CYCLING.toString(), '\n\n***  CYCLING  ***\n');
    assert.equal(CYCLING.length, 20);
    assert.equal(CYCLED.toString(), '***  CYCLED  ***\n');
    assert.equal(CYCLED_CLOSE.toString(), 'CYCLED  ***\n');
    assert.deepEqual([blocksOf(0), blocksOf(1), blocksOf(1024), blocksOf(1025)], [0, 1, 1, 2]);
  });

  it('appends a batch as one piece when there is no limit', () => {
    const s = fresh(100, 0);
    const p = place(s, run([10, 20, 30]), false, none);
    assert.equal(p.accepted, 3);
    assert.equal(p.pieces.length, 1);
    assert.equal(p.pieces[0]!.position, null);
    assert.equal(p.pieces[0]!.bufs.length, 1, 'one view of the batch buffer');
    assert.equal(p.pieces[0]!.bytes, 60);
    assert.equal(s.size, 160);
  });

  it('takes entries while the file is under the limit in whole KiB (24,576 of 25,600), the crossing one included', () => {
    const s = fresh(24 * 1024, 25);
    const p = place(s, run([1024, 10]), false, none);
    assert.equal(p.accepted, 1);
    assert.equal(p.stop, 'full');
    assert.equal(s.size, 25 * 1024);
  });

  it('refuses the next entry once the file is one byte into its last block', () => {
    const s = fresh(24 * 1024 + 1, 25);
    const p = place(s, run([1]), false, none);
    assert.equal(p.accepted, 0);
    assert.equal(p.stop, 'full');
    assert.equal(p.pieces.length, 0);
  });

  it('puts an OPEN header before the first entry only', () => {
    const s = fresh(0, 0);
    const head = Buffer.from('HEAD\n');
    let asked = 0;
    const p = place(s, run([3, 4]), false, (i) => (asked++ === 0 && i === 0 ? head : null));
    assert.equal(Buffer.concat(p.pieces[0]!.bufs).toString(), 'HEAD\naaabbbb');
    assert.equal(s.size, 12);
  });

  it('cycles: CYCLING over the last 20 bytes, CYCLED at 0, entries after it', () => {
    const size = 24 * 1024 + 1;
    const image = Buffer.alloc(size, 0x2e);
    const s = fresh(size, 25);
    const p = place(s, run([30, 40]), true, none);
    assert.equal(p.cycles, 1);
    assert.equal(p.accepted, 2);
    assert.deepEqual(p.pieces.map((x) => x.position), [size - 20, 0]);
    const out = apply(image, p.pieces);
    assert.equal(out.length, size, 'the file does not grow');
    assert.equal(out.subarray(size - 20).toString(), CYCLING.toString());
    assert.equal(out.subarray(0, 17).toString(), CYCLED.toString());
    assert.equal(out.subarray(17, 87).toString(), 'a'.repeat(30) + 'b'.repeat(40));
    assert.equal(out[87], 0x2e, 'old data follows');
    assert.equal(s.pos, 87);
    assert.ok(s.cycled);
    assert.equal(s.maxBlocks, 25);
  });

  it('wraps again each time the position reaches the limit; never more than one entry over it', () => {
    const s = fresh(0, 25);
    let image: Buffer = Buffer.alloc(0);
    let cycles = 0;
    for (let i = 0; i < 400; i++) {
      const p = place(s, run([100 + (i % 7) * 33]), true, none);
      assert.equal(p.accepted, 1);
      cycles += p.cycles;
      image = apply(image, p.pieces);
      assert.ok(image.length <= 24 * 1024 + 100 + 6 * 33, `size ${image.length}`);
    }
    assert.ok(cycles >= 2, `cycles ${cycles}`);
    assert.equal(image.length, s.size);
  });

  it('sets the limit to the file size in whole units of 25 blocks on the first wrap', () => {
    const s = fresh(80 * 1024, 25);
    place(s, run([10]), true, none);
    assert.equal(s.maxBlocks, 75);
  });

  it('gives up on a cycled log that something else grew past limit + 1 block', () => {
    const s: FileState = { pos: 100, size: 26 * 1024 + 1, ownEnd: 24 * 1024 + 5, cycled: true, maxBlocks: 25 };
    const p = place(s, run([10, 10]), true, none);
    assert.equal(p.stop, 'gave_up');
    assert.equal(p.accepted, 0);
    // Its own writes never count as growth by someone else.
    const own: FileState = { ...s, ownEnd: s.size };
    assert.equal(place(own, run([10]), true, none).stop, null);
  });

  it('splits a non-cycling batch at the limit, within one call', () => {
    const s = fresh(0, 25);
    const p = place(s, run(Array.from({ length: 30 }, () => 1024)), false, none);
    assert.equal(p.accepted, 25);
    assert.equal(p.stop, 'full');
    assert.equal(p.pieces.length, 1);
    assert.equal(p.pieces[0]!.bytes, 25 * 1024);
    assert.equal(p.pieces[0]!.entries, 25);
  });
});
