// Decodes character references in Confluence storage-format XHTML bodies once,
// leaving tags alone. Runtime-neutral: no node:* imports.
import { ByteSink } from '../byte-sink.ts';
import type { ReferenceDecoder } from '../csv.ts';
import { HTML_ENTITY_TABLE } from './html-entity-table.ts';

// One alternation so a body is scanned in a single pass and replacement text is
// never re-scanned (`&amp;lt;` -> `&lt;`). Every reference requires its `;`.
// Names are capped at 32 characters because the longest WHATWG name
// (CounterClockwiseContourIntegral) has 31, which bounds the work per `&` on
// long letter runs. Digit runs are not capped: parseInt of an absurdly long
// run yields a huge number or Infinity, which the range check rejects, so no
// overflow can wrap around into a valid code point.
const REFERENCE = /&(?:#[xX]([0-9A-Fa-f]+);|#([0-9]+);|([A-Za-z][A-Za-z0-9]{0,31});)/g;

const MAX_CODE_POINT = 0x10ffff;

// Which numeric values decode. Rejected (left as written): 0, surrogates
// D800-DFFF (not scalar values, would produce lone UTF-16 halves) and anything
// above 10FFFF. Everything else decodes to that exact code point, including C1
// controls (&#150; -> U+0096, not the windows-1252 remap browsers apply) and
// noncharacters: storage format is XML, where a reference means its literal
// code point, so this is what Confluence itself stores and renders.
function isDecodableCodePoint(cp: number): boolean {
  if (cp === 0 || cp > MAX_CODE_POINT) return false;
  return cp < 0xd800 || cp > 0xdfff;
}

function decodeNumeric(match: string, digits: string, radix: 10 | 16): string {
  const cp = parseInt(digits, radix);
  return isDecodableCodePoint(cp) ? String.fromCodePoint(cp) : match;
}

function replaceReference(match: string, hex: string | undefined, decimal: string | undefined, name: string | undefined): string {
  if (hex !== undefined) return decodeNumeric(match, hex, 16);
  if (decimal !== undefined) return decodeNumeric(match, decimal, 10);
  // Map lookup, so `&constructor;` or `&__proto__;` stay unknown.
  return HTML_ENTITY_TABLE.get(name as string) ?? match;
}

/**
 * Decodes HTML5 named references ending in `;` and decimal/hex numeric
 * references once; invalid or unknown references are kept verbatim.
 */
export function decodeEntities(text: string): string {
  if (text.indexOf('&') === -1) return text;
  return text.replace(REFERENCE, replaceReference);
}

const AMPERSAND = 0x26;
const SEMICOLON = 0x3b;
const HASH = 0x23;
// Longest name, as in REFERENCE.
const MAX_NAME = 32;

// Names by a hash of their characters, built on the first byte body with a reference: a body's
// reference is then looked up without making a string of it.
let namesByHash: Map<number, string[]> | null = null;
const namedUtf8 = new Map<string, Uint8Array>();

function namesWithHash(hash: number): readonly string[] | undefined {
  if (namesByHash === null) {
    namesByHash = new Map();
    for (const name of HTML_ENTITY_TABLE.keys()) {
      let h = 0;
      for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
      const same = namesByHash.get(h);
      if (same) same.push(name);
      else namesByHash.set(h, [name]);
    }
  }
  return namesByHash.get(hash);
}

function hashOf(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0;
  for (let at = start; at < end; at++) hash = (Math.imul(hash, 31) + bytes[at]) | 0;
  return hash;
}

const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const isLetter = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
const hexValue = (b: number) => (isDigit(b) ? b - 0x30 : b >= 0x61 && b <= 0x66 ? b - 0x57 : b >= 0x41 && b <= 0x46 ? b - 0x37 : -1);

/**
 * decodeEntities for UTF-8 text: the same references decode to the same characters, read and
 * written as bytes. Returns `bytes` itself when there is nothing to decode.
 */
export function decodeEntitiesUtf8(bytes: Uint8Array): Uint8Array {
  let amp = bytes.indexOf(AMPERSAND);
  if (amp === -1) return bytes;
  const out = new ByteSink(bytes.length);
  let copied = 0;
  while (amp !== -1) {
    const end = referenceEnd(bytes, amp);
    if (end === -1) {
      amp = bytes.indexOf(AMPERSAND, amp + 1);
      continue;
    }
    const decoded = decodeReference(bytes, amp, end);
    if (decoded !== null) {
      out.bytes(bytes, copied, amp);
      if (typeof decoded !== 'number') out.bytes(decoded);
      else out.codePoint(decoded);
      copied = end;
    }
    amp = bytes.indexOf(AMPERSAND, end);
  }
  if (copied === 0) return bytes;
  out.bytes(bytes, copied, bytes.length);
  return out.view();
}

/** HTML's character references, for the CSV writer to decode as it writes a body (core/csv-fields.ts). */
export const HTML_REFERENCES: ReferenceDecoder = { end: referenceEnd, value: decodeReference, decodeAll: decodeEntitiesUtf8 };

/** Where the reference starting at `amp` ends (after its `;`), or -1 when REFERENCE would not match there. */
function referenceEnd(bytes: Uint8Array, amp: number): number {
  let at = amp + 1;
  if (bytes[at] === HASH) {
    at++;
    const hex = bytes[at] === 0x78 || bytes[at] === 0x58;
    if (hex) at++;
    const start = at;
    while (at < bytes.length && (hex ? hexValue(bytes[at]) >= 0 : isDigit(bytes[at]))) at++;
    return at > start && bytes[at] === SEMICOLON ? at + 1 : -1;
  }
  if (!isLetter(bytes[at])) return -1;
  const limit = Math.min(bytes.length, amp + 1 + MAX_NAME);
  while (at < limit && (isLetter(bytes[at]) || isDigit(bytes[at]))) at++;
  return bytes[at] === SEMICOLON ? at + 1 : -1;
}

/** A numeric reference's code point, a named one's UTF-8, or null when it stays as written. */
function decodeReference(bytes: Uint8Array, amp: number, end: number): number | Uint8Array | null {
  if (bytes[amp + 1] !== HASH) return namedValue(bytes, amp + 1, end - 1);
  const hex = bytes[amp + 2] === 0x78 || bytes[amp + 2] === 0x58;
  let cp = 0;
  // Past the largest code point the value only grows, so it saturates there instead of overflowing.
  for (let at = amp + (hex ? 3 : 2); at < end - 1 && cp <= MAX_CODE_POINT; at++) {
    cp = cp * (hex ? 16 : 10) + (hex ? hexValue(bytes[at]) : bytes[at] - 0x30);
  }
  return isDecodableCodePoint(cp) ? cp : null;
}

function namedValue(bytes: Uint8Array, start: number, end: number): Uint8Array | null {
  for (const name of namesWithHash(hashOf(bytes, start, end)) ?? []) {
    if (name.length !== end - start) continue;
    let same = true;
    for (let i = 0; same && i < name.length; i++) same = name.charCodeAt(i) === bytes[start + i];
    if (!same) continue;
    let utf8 = namedUtf8.get(name);
    if (utf8 === undefined) namedUtf8.set(name, (utf8 = new TextEncoder().encode(HTML_ENTITY_TABLE.get(name)!)));
    return utf8;
  }
  return null;
}
