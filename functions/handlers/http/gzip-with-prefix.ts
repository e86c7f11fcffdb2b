/**
 * A stored text, deflated at build time, sent gzipped with a short prefix written per request
 * (the OpenAPI document's `servers`) and without loading node:zlib: the gzip member is a
 * header, the prefix as a stored (uncompressed) deflate block, the text's own deflate blocks
 * (compressed on their own, so they refer to nothing before them), and the trailer. The
 * trailer's CRC-32 of prefix + text comes from the prefix's CRC-32 and the text's CRC "shift"
 * computed at build time: continuing a CRC over a fixed text is an affine map of the CRC it
 * starts from, `start ↦ crc ⊕ ⨁ shift[i] for each bit i of start`.
 */
export interface DeflatedText {
  /** The text's raw deflate stream (RFC 1951), base64. */
  deflated: string;
  /** Its length in bytes, uncompressed. */
  bytes: number;
  /** CRC-32 of the text alone. */
  crc: number;
  /** Base64 of 32 little-endian uint32s; the i-th: how bit i of a starting CRC changes the CRC-32 at the end of the text. */
  shift: string;
}

const GZIP_HEADER = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

let table: Int32Array | undefined;
function crcTable(): Int32Array {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
}

/** CRC-32 as gzip and zlib.crc32 compute it. */
export function crc32(bytes: Uint8Array): number {
  table ??= crcTable();
  let crc = -1;
  for (const byte of bytes) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** The CRC-32 of `prefix` followed by the text. */
function crcAfter(prefixCrc: number, text: DeflatedText): number {
  const shift = Buffer.from(text.shift, 'base64');
  let crc = text.crc;
  for (let bit = 0; bit < 32; bit++) if ((prefixCrc >>> bit) & 1) crc ^= shift.readUInt32LE(bit * 4);
  return crc >>> 0;
}

const uint32le = (value: number) => [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];

/** One gzip member holding `prefix` (under 64 KB) and then the text. */
export function gzipWithPrefix(prefix: string, text: DeflatedText): Buffer {
  const head = Buffer.from(prefix, 'utf8');
  const length = head.length;
  // A stored block that is not the last: BFINAL 0, BTYPE 00, then LEN and its complement.
  const stored = [0, length & 0xff, length >>> 8, ~length & 0xff, (~length >>> 8) & 0xff];
  const trailer = [...uint32le(crcAfter(crc32(head), text)), ...uint32le((length + text.bytes) >>> 0)];
  return Buffer.concat([Buffer.from(GZIP_HEADER), Buffer.from(stored), head, Buffer.from(text.deflated, 'base64'), Buffer.from(trailer)]);
}
