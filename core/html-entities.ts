// Decodes character references in Confluence storage-format XHTML bodies once,
// leaving tags alone. Runtime-neutral: no node:* imports.
import { HTML_ENTITY_TABLE } from "./html-entity-table.ts";

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

function replaceReference(
  match: string,
  hex: string | undefined,
  decimal: string | undefined,
  name: string | undefined,
): string {
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
  if (text.indexOf("&") === -1) return text;
  return text.replace(REFERENCE, replaceReference);
}
