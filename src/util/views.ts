// Buffer views and copies for the hot paths, without the costs Buffer's own methods carry there.

// In the hot paths' optimised code (node --print-opt-code), V8 left `set`, `indexOf`, `buffer` and
// `byteOffset` looked up on a Buffer as calls to its generic property load, one per use. Each is
// held here once instead, as a function that takes the receiver first: a bound `call`, which the
// JIT follows to the method and builds in, even where the bundle has made this module's constants
// into plain variables (a method held in a variable and called with .call() is called the slow way
// there).
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const bufferProto = Buffer.prototype as object as Buffer;
/* eslint-disable @typescript-eslint/unbound-method */
const call = Function.prototype.call;

/** `dst.set(src, at)`. */
export const setBytes = call.bind(Uint8Array.prototype.set) as (dst: Uint8Array, src: Uint8Array, at: number) => void;
/** `buf.indexOf(value, from)` for a byte value (memchr). */
export const indexOfByte = call.bind(bufferProto.indexOf) as (buf: Uint8Array, value: number, from: number) => number;
/** `view.buffer`. */
export const bufferOf = call.bind(Object.getOwnPropertyDescriptor(typedArrayProto, 'buffer')!.get!) as (view: Uint8Array) => ArrayBuffer;
/** `view.byteOffset`. */
export const byteOffsetOf = call.bind(Object.getOwnPropertyDescriptor(typedArrayProto, 'byteOffset')!.get!) as (view: Uint8Array) => number;
/* eslint-enable @typescript-eslint/unbound-method */

/** `view.subarray(start, end)` as a plain Uint8Array: no Buffer made, the getters called directly. */
export function plainView(view: Uint8Array, start: number, end: number): Uint8Array {
  return start === 0 && end === view.length ? view : new Uint8Array(bufferOf(view), byteOffsetOf(view) + start, end - start);
}

// Buffer's own subarray() is JavaScript that reads its source's `buffer` (a getter in C++) and
// `byteOffset` that way for every view it makes; made per received line, that was ~4% of a busy
// TCP input's CPU. A caller that makes many views of one chunk reads those once and makes each
// view here. The views are Buffers in all but their exact prototype: Buffer's methods, and
// Buffer.isBuffer() is true.
class BufferView extends Uint8Array {}
Object.setPrototypeOf(BufferView.prototype, bufferProto);

/** A Buffer over `length` bytes of `ab` from `offset` (no copy). */
export function bufferView(ab: ArrayBuffer, offset: number, length: number): Buffer {
  return new BufferView(ab, offset, length) as unknown as Buffer;
}
