import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StreamDeframer, type Frame } from './framing.js';

function deframe(chunks: (string | Buffer)[], max = 64 * 1024): { data: string; truncated: boolean }[] {
  const d = new StreamDeframer(max);
  const out: Frame[] = [];
  for (const c of chunks) d.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c, out);
  d.end(out);
  return out.map((f) => ({ data: f.data.toString('latin1'), truncated: f.truncated }));
}
const ok = (...data: string[]) => data.map((d) => ({ data: d, truncated: false }));

/** Splits `buf` at the given cut points (any integers; taken modulo the length). */
function split(buf: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => (buf.length === 0 ? 0 : c % (buf.length + 1))))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of at) {
    out.push(buf.subarray(prev, c));
    prev = c;
  }
  out.push(buf.subarray(prev));
  return out;
}

describe('StreamDeframer', () => {
  it('splits LF, CRLF and NUL framed text and skips stray separators', () => {
    assert.deepEqual(deframe(['<13>a\n<13>b\r\n\n\n<13>c\0 \r\n<13>d']), ok('<13>a', '<13>b', '<13>c', '<13>d'));
    assert.deepEqual(deframe(['<13>a\rb\n']), ok('<13>a\rb'));
  });

  it('reads octet-counted frames, with or without the LF inside the count', () => {
    assert.deepEqual(deframe(['5 <13>a6 <13>bc']), ok('<13>a', '<13>bc'));
    // rsyslog RSYSLOG_SyslogProtocol23Format + octet-counted: the template's LF is counted
    assert.deepEqual(deframe(['6 <13>a\n7 <13>bc\n']), ok('<13>a', '<13>bc'));
    assert.deepEqual(deframe(['7 <13>a\n\n']), ok('<13>a\n'), 'only one LF is dropped');
    assert.deepEqual(deframe(['6 <13>\na2 bc']), ok('<13>\na', 'bc'), 'an LF inside a counted frame is content');
  });

  it('detects the framing per frame', () => {
    assert.deepEqual(deframe(['<13>a\n5 <13>b<13>c\n3 xyz']), ok('<13>a', '<13>b', '<13>c', 'xyz'));
  });

  it('takes digits not followed by SP, or an absurd count, as text', () => {
    assert.deepEqual(deframe(['123abc\n<13>x\n']), ok('123abc', '<13>x'));
    assert.deepEqual(deframe(['99999999999 <13>x\n<13>y\n']), ok('99999999999 <13>x', '<13>y'));
    assert.deepEqual(deframe(['12\n']), ok('12'));
    assert.deepEqual(deframe(['0 x\n']), ok('0 x'), 'a count cannot start with 0');
  });

  it('cuts an oversize LF frame, flags it and resynchronises at the next LF', () => {
    assert.deepEqual(deframe(['0123456789abcdef', 'ghij\n<13>next\n'], 10), [{ data: '0123456789', truncated: true }, ...ok('<13>next')]);
    assert.deepEqual(deframe(['aaaaaaaaaa\r\nbbbbbbbbbbb\n'], 10), [...ok('aaaaaaaaaa'), { data: 'bbbbbbbbbb', truncated: true }]);
  });

  it('cuts an oversize counted frame and skips the rest of its count', () => {
    assert.deepEqual(deframe(['15 0123456789abcde<13>x\n'], 10), [{ data: '0123456789', truncated: true }, ...ok('<13>x')]);
    assert.deepEqual(deframe(['11 0123456789\n'], 10), ok('0123456789'), 'exactly the limit once the LF is dropped');
  });

  it('hands back an unfinished frame at stream end; a short counted frame is flagged', () => {
    assert.deepEqual(deframe(['<13>a\n<13>tail']), ok('<13>a', '<13>tail'));
    assert.deepEqual(deframe(['10 <13>ab']), [{ data: '<13>ab', truncated: true }]);
    assert.deepEqual(deframe(['42']), ok('42'));
    assert.deepEqual(deframe(['\n\n \0']), []);
  });

  it('survives the hostile-test stream: 1 MiB unframed, then a 1 MiB counted frame', () => {
    const head = '<13>Nov 22 04:00:00 bighost app: ';
    const frames = deframe([Buffer.alloc(1024 * 1024, 0x41), '\n<13>after the big frame\n', `1048576 ${head}${'B'.repeat(1024 * 1024 - head.length)}`, '<13>after the counted\n']);
    assert.deepEqual(frames.map((f) => [f.data.length, f.truncated]), [[65536, true], [23, false], [65536, true], [21, false]]);
    assert.equal(frames[3]!.data, '<13>after the counted');
  });

  it('returns a view of the chunk when a frame lies inside it, one copy when it spans chunks', () => {
    const d = new StreamDeframer();
    const out: Frame[] = [];
    const chunk = Buffer.alloc(18, '<13>inside\n<13>spa'); // not from the shared pool
    const next = Buffer.alloc(3, 'ns\n');
    d.push(chunk, out);
    d.push(next, out);
    assert.ok(out[0]!.data.buffer === chunk.buffer);
    assert.equal(out[1]!.data.toString(), '<13>spans');
    assert.ok(out[1]!.data.buffer !== chunk.buffer && out[1]!.data.buffer !== next.buffer);
  });

  // Streams from frames whose expected output is known, then cut at random places.
  const textFrame = fc.tuple(
    fc.oneof(fc.constant(''), fc.stringMatching(/^[1-9][0-9]{0,3}$/), fc.constant('99999999999 ')),
    fc.constantFrom('<', 'a', '#'),
    fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a.filter((b) => b !== 0x0a && b !== 0))),
    fc.constantFrom('\n', '\r\n', '\0'),
  ).map(([digits, first, body, term]) => {
    let content = Buffer.concat([Buffer.from(digits + first, 'latin1'), body]);
    while (content[content.length - 1] === 0x0d) content = content.subarray(0, -1); // else it reads as CRLF
    return { wire: Buffer.concat([content, Buffer.from(term)]), content };
  });
  const countedFrame = fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.boolean()).map(([a, lf]) => {
    const payload = Buffer.concat([Buffer.from(a), Buffer.from(lf ? '\n' : '')]);
    const content = payload[payload.length - 1] === 0x0a ? payload.subarray(0, -1) : payload;
    return { wire: Buffer.concat([Buffer.from(`${payload.length} `), payload]), content };
  });
  const stream = fc.array(fc.tuple(fc.oneof(textFrame, countedFrame), fc.constantFrom('', '\n', ' ', '\0', '\r\n')), { maxLength: 12 });

  it('gives the frames that were sent, however the stream is cut (property)', () => {
    const MAX = 24;
    fc.assert(fc.property(stream, fc.array(fc.nat(), { maxLength: 8 }), (frames, cuts) => {
      const wire = Buffer.concat(frames.flatMap(([f, sep]) => [Buffer.from(sep), f.wire]));
      const expected = frames.map(([f]) => ({ data: f.content.subarray(0, MAX).toString('latin1'), truncated: f.content.length > MAX }));
      assert.deepEqual(deframe(split(wire, cuts), MAX), expected);
    }), { numRuns: 20_000 });
  });

  const noisy = fc.uint8Array({ maxLength: 120 }).chain((a) => fc.tuple(fc.constant(Buffer.from(a)), fc.array(fc.nat(), { maxLength: 10 })));
  const syntaxy = fc.array(fc.constantFrom(...Buffer.from('0123456789  \n\n\r\0<>ab'), 0xff), { maxLength: 120 })
    .chain((a) => fc.tuple(fc.constant(Buffer.from(a)), fc.array(fc.nat(), { maxLength: 10 })));

  it('never throws on arbitrary bytes and frames them the same however they are cut (property)', () => {
    const MAX = 16;
    fc.assert(fc.property(fc.oneof(noisy, syntaxy), ([bytes, cuts]) => {
      const whole = deframe([bytes], MAX);
      const cut = deframe(split(bytes, cuts), MAX);
      assert.deepEqual(cut, whole);
      for (const f of whole) assert.ok(f.data.length <= MAX);
    }), { numRuns: 100_000 });
  });
});
