/**
 * The key an inline function's source is known by: a worker compiles a source once and finds it
 * again by this key, which is all that later calls send.
 *
 * FNV-1a with 64 bits, over the source's UTF-16 code units (for ASCII text, the same as FNV-1a
 * over its bytes), then the length. Not node:crypto's sha256: importing node:crypto cost a
 * program's first inline call about 3 ms here, and the key needs no secrecy, only that two
 * different sources of one program do not meet: at 64 bits, a program with 10,000 distinct
 * inline functions has about one chance in 3 × 10^11 of a single collision.
 */

/** 0xcbf29ce484222325, FNV's 64-bit offset basis, in two 32-bit halves. */
const basisHigh = 0xcbf29ce4;
const basisLow = 0x84222325;
/** FNV's 64-bit prime is 2^40 + 0x1b3. */
const primeLow = 0x1b3;

export function sourceKey(source: string): string {
  let high = basisHigh;
  let low = basisLow;
  for (let i = 0; i < source.length; i++) {
    low = (low ^ source.charCodeAt(i)) >>> 0;
    // (high · 2^32 + low) · (2^40 + 0x1b3), modulo 2^64: each product below is under 2^41, exact
    // in a double; 2^40 · low adds low's lower 24 bits to the top of the high half.
    const lowProduct = low * primeLow;
    const carry = Math.floor(lowProduct / 2 ** 32);
    high = (high * primeLow + carry + (low << 8)) >>> 0;
    low = lowProduct >>> 0;
  }
  return `${high.toString(16).padStart(8, '0')}${low.toString(16).padStart(8, '0')}-${source.length.toString(36)}`;
}
