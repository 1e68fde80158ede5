// A growable UTF-8 output buffer. The export writes page bodies byte for byte as the database sent
// them: turning megabytes of text into UTF-16 strings and back costs more than everything else a row needs.

// Most chunks fit in this; a larger one grows the buffer once, and the buffer is reused for the next chunk.
const INITIAL_BYTES = 64 * 1024;
// Runs shorter than this are copied byte by byte: cheaper than a subarray view and a set().
const SHORT_RUN = 48;
// Strings longer than this are encoded by TextEncoder.encodeInto, whose native loop outruns the one below
// once the call and its subarray view are paid for (summaries, descriptions, change values).
const NATIVE_TEXT = 16;
const encoder = new TextEncoder();

export class ByteSink {
  private data: Uint8Array;
  length = 0;

  constructor(initialBytes = INITIAL_BYTES) {
    this.data = new Uint8Array(Math.max(16, initialBytes));
  }

  /** Starts over, keeping the memory. */
  reset(): void {
    this.length = 0;
  }

  /** The bytes written since the last reset: a view, valid until the next write. */
  view(): Uint8Array {
    return this.data.subarray(0, this.length);
  }

  /** A copy of the bytes written, which stays valid. */
  copy(): Uint8Array {
    return this.data.slice(0, this.length);
  }

  /** Room for `bytes` more. */
  reserve(bytes: number): Uint8Array {
    const needed = this.length + bytes;
    if (needed > this.data.length) {
      const grown = new Uint8Array(Math.max(needed, this.data.length * 2));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    return this.data;
  }

  byte(value: number): void {
    this.reserve(1)[this.length++] = value;
  }

  bytes(source: Uint8Array, start = 0, end = source.length): void {
    if (end <= start) return;
    const data = this.reserve(end - start);
    if (end - start < SHORT_RUN) {
      for (let at = start; at < end; at++) data[this.length++] = source[at];
      return;
    }
    data.set(start === 0 && end === source.length ? source : source.subarray(start, end), this.length);
    this.length += end - start;
  }

  /** A scalar value's UTF-8. */
  codePoint(cp: number): void {
    const data = this.reserve(4);
    let at = this.length;
    if (cp < 0x80) {
      data[at++] = cp;
    } else if (cp < 0x800) {
      data[at++] = 0xc0 | (cp >> 6);
      data[at++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      data[at++] = 0xe0 | (cp >> 12);
      data[at++] = 0x80 | ((cp >> 6) & 0x3f);
      data[at++] = 0x80 | (cp & 0x3f);
    } else {
      data[at++] = 0xf0 | (cp >> 18);
      data[at++] = 0x80 | ((cp >> 12) & 0x3f);
      data[at++] = 0x80 | ((cp >> 6) & 0x3f);
      data[at++] = 0x80 | (cp & 0x3f);
    }
    this.length = at;
  }

  /** A string known to be ASCII (a date, a number): one byte a character. */
  ascii(value: string): void {
    const data = this.reserve(value.length);
    let at = this.length;
    for (let i = 0; i < value.length; i++) data[at++] = value.charCodeAt(i);
    this.length = at;
  }

  /** UTF-8 of a string, as TextEncoder writes it (a lone surrogate becomes U+FFFD). */
  text(value: string): void {
    const data = this.reserve(value.length * 3);
    if (value.length > NATIVE_TEXT) {
      this.length += encoder.encodeInto(value, data.subarray(this.length)).written;
      return;
    }
    let at = this.length;
    for (let i = 0; i < value.length; i++) {
      let unit = value.charCodeAt(i);
      if (unit < 0x80) {
        data[at++] = unit;
        continue;
      }
      if (unit < 0x800) {
        data[at++] = 0xc0 | (unit >> 6);
        data[at++] = 0x80 | (unit & 0x3f);
        continue;
      }
      if (unit >= 0xd800 && unit <= 0xdfff) {
        const next = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
        if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const point = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
          i++;
          data[at++] = 0xf0 | (point >> 18);
          data[at++] = 0x80 | ((point >> 12) & 0x3f);
          data[at++] = 0x80 | ((point >> 6) & 0x3f);
          data[at++] = 0x80 | (point & 0x3f);
          continue;
        }
        unit = 0xfffd;
      }
      data[at++] = 0xe0 | (unit >> 12);
      data[at++] = 0x80 | ((unit >> 6) & 0x3f);
      data[at++] = 0x80 | (unit & 0x3f);
    }
    this.length = at;
  }
}
