import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEntities } from '../../core/entities/html-entities.ts';
import { HTML_ENTITY_TABLE } from '../../core/entities/html-entity-table.ts';

test('the spec examples decode to the characters they name', () => {
  assert.equal(decodeEntities('&amp;'), '&');
  assert.equal(decodeEntities('&nbsp;'), '\u00A0');
  assert.equal(decodeEntities('&#8217;'), '\u2019');
  assert.equal(decodeEntities('&amp;lt;'), '&lt;');
});

test('tags and surrounding text are kept while references inside them decode', () => {
  assert.equal(
    decodeEntities('<p class="x">Tom &amp; Jerry&#8217;s <ac:link>&lt;b&gt;</ac:link></p>'),
    '<p class="x">Tom & Jerry\u2019s <ac:link><b></ac:link></p>',
  );
});

test('a string without an ampersand comes back unchanged', () => {
  const text = '<p>plain text; no references # here</p>';
  assert.equal(decodeEntities(text), text);
  assert.equal(decodeEntities(''), '');
});

test('unknown names stay as they are', () => {
  assert.equal(decodeEntities('&foo;'), '&foo;');
  assert.equal(decodeEntities('a &notanentity; b'), 'a &notanentity; b');
});

test('names inherited from Object.prototype are not treated as entities', () => {
  assert.equal(decodeEntities('&constructor;'), '&constructor;');
  assert.equal(decodeEntities('&toString;'), '&toString;');
  assert.equal(decodeEntities('&__proto__;'), '&__proto__;');
  assert.equal(decodeEntities('&hasOwnProperty;'), '&hasOwnProperty;');
});

test('named references without the trailing semicolon stay as they are', () => {
  assert.equal(decodeEntities('&amp'), '&amp');
  assert.equal(decodeEntities('a&amp b'), 'a&amp b');
  assert.equal(decodeEntities('&copy 2024'), '&copy 2024');
  assert.equal(decodeEntities('&amp ;'), '&amp ;');
  assert.equal(decodeEntities('&ampx;'), '&ampx;');
});

test('name matching is case-sensitive', () => {
  assert.equal(decodeEntities('&AMP;'), '&');
  assert.equal(decodeEntities('&Amp;'), '&Amp;');
  assert.equal(decodeEntities('&LT;'), '<');
  assert.equal(decodeEntities('&Lt;'), '\u226A');
  assert.equal(decodeEntities('&NBSP;'), '&NBSP;');
});

test('entities that map to two code points decode to both', () => {
  assert.equal(decodeEntities('&NotEqualTilde;'), '\u2242\u0338');
  assert.equal(decodeEntities('&fjlig;'), 'fj');
  assert.equal(decodeEntities('&nvlt;'), '<\u20D2');
  assert.equal(decodeEntities('&ThickSpace;'), '\u205F\u200A');
});

test('named entities outside the BMP decode to astral characters', () => {
  assert.equal(decodeEntities('&Afr;'), '\u{1D504}');
  assert.equal(decodeEntities('&oopf;'), '\u{1D560}');
  assert.equal(decodeEntities('&opf;'), '&opf;');
});

test('the longest entity name decodes', () => {
  assert.equal(decodeEntities('&CounterClockwiseContourIntegral;'), '\u2233');
});

test('decimal references decode', () => {
  assert.equal(decodeEntities('&#65;'), 'A');
  assert.equal(decodeEntities('&#38;'), '&');
  assert.equal(decodeEntities('&#160;'), '\u00A0');
});

test('hex references decode with either x or X and any digit case', () => {
  assert.equal(decodeEntities('&#x41;'), 'A');
  assert.equal(decodeEntities('&#X41;'), 'A');
  assert.equal(decodeEntities('&#x2019;'), '\u2019');
  assert.equal(decodeEntities('&#x2f;'), '/');
  assert.equal(decodeEntities('&#X2F;'), '/');
});

test('astral characters decode via hex and decimal references', () => {
  assert.equal(decodeEntities('&#x1F600;'), '\u{1F600}');
  assert.equal(decodeEntities('&#128512;'), '\u{1F600}');
  assert.equal(decodeEntities('&#x10FFFF;'), '\u{10FFFF}');
});

test('leading zeros do not change the value', () => {
  assert.equal(decodeEntities('&#0065;'), 'A');
  assert.equal(decodeEntities('&#x0041;'), 'A');
  assert.equal(decodeEntities('&#x000000000000000000000000000041;'), 'A');
  assert.equal(decodeEntities('&#' + '0'.repeat(500) + '65;'), 'A');
});

test('numeric references without the semicolon or without digits stay', () => {
  assert.equal(decodeEntities('&#65'), '&#65');
  assert.equal(decodeEntities('&#65 x'), '&#65 x');
  assert.equal(decodeEntities('&#x41'), '&#x41');
  assert.equal(decodeEntities('&#;'), '&#;');
  assert.equal(decodeEntities('&#x;'), '&#x;');
  assert.equal(decodeEntities('&#xG1;'), '&#xG1;');
  assert.equal(decodeEntities('&#-65;'), '&#-65;');
  assert.equal(decodeEntities('&# 65;'), '&# 65;');
});

test('a reference to code point zero stays as written', () => {
  assert.equal(decodeEntities('&#0;'), '&#0;');
  assert.equal(decodeEntities('&#x0;'), '&#x0;');
  assert.equal(decodeEntities('&#0000;'), '&#0000;');
});

test('references to surrogate code points stay as written', () => {
  assert.equal(decodeEntities('&#xD800;'), '&#xD800;');
  assert.equal(decodeEntities('&#xDFFF;'), '&#xDFFF;');
  assert.equal(decodeEntities('&#55296;'), '&#55296;');
  assert.equal(decodeEntities('&#xD7FF;'), '\uD7FF');
  assert.equal(decodeEntities('&#xE000;'), '\uE000');
});

test('references above U+10FFFF stay as written', () => {
  assert.equal(decodeEntities('&#x110000;'), '&#x110000;');
  assert.equal(decodeEntities('&#1114112;'), '&#1114112;');
  assert.equal(decodeEntities('&#xFFFFFFFF;'), '&#xFFFFFFFF;');
});

test('huge digit strings stay as written instead of overflowing', () => {
  const decimal = '&#' + '9'.repeat(400) + ';';
  const hex = '&#x' + 'F'.repeat(400) + ';';
  assert.equal(decodeEntities(decimal), decimal);
  assert.equal(decodeEntities(hex), hex);
  // 2^32 + 65 would wrap to 'A' if the value were truncated to 32 bits.
  assert.equal(decodeEntities('&#4294967361;'), '&#4294967361;');
  assert.equal(decodeEntities('&#x100000041;'), '&#x100000041;');
});

test('C1 controls and noncharacters decode to their literal code points', () => {
  assert.equal(decodeEntities('&#150;'), '\u0096');
  assert.equal(decodeEntities('&#x80;'), '\u0080');
  assert.equal(decodeEntities('&#xFFFE;'), '\uFFFE');
  assert.equal(decodeEntities('&#x1FFFF;'), '\u{1FFFF}');
});

test('decoding is single-pass: decoded output is never re-scanned', () => {
  assert.equal(decodeEntities('&amp;lt;'), '&lt;');
  assert.equal(decodeEntities('&amp;#38;'), '&#38;');
  assert.equal(decodeEntities('&amp;amp;'), '&amp;');
  assert.equal(decodeEntities('&#38;amp;'), '&amp;');
  assert.equal(decodeEntities('&#x26;#x41;'), '&#x41;');
});

test('adjacent references all decode', () => {
  assert.equal(decodeEntities('&lt;&gt;&amp;&quot;&apos;'), '<>&"\'');
  assert.equal(decodeEntities('&#65;&#x42;&#67;'), 'ABC');
  assert.equal(decodeEntities('&&amp;&'), '&&&');
  assert.equal(decodeEntities('&amp&amp;'), '&amp&');
  assert.equal(decodeEntities('&foo;&amp;'), '&foo;&');
});

test('a name longer than any entity is left alone', () => {
  const long = '&' + 'a'.repeat(40) + ';';
  assert.equal(decodeEntities(long), long);
});

test('the generated table holds the full WHATWG set of semicolon names', () => {
  assert.equal(HTML_ENTITY_TABLE.size, 2125);
  assert.equal(HTML_ENTITY_TABLE.get('amp'), '&');
  assert.equal(HTML_ENTITY_TABLE.get('nbsp'), '\u00A0');
  assert.equal(HTML_ENTITY_TABLE.get('NotEqualTilde'), '\u2242\u0338');
  assert.equal(HTML_ENTITY_TABLE.get('fjlig'), 'fj');
  assert.equal(HTML_ENTITY_TABLE.has('amp;'), false);
});

test('a 2 MB body decodes correctly', () => {
  const chunk = '<p>Tom &amp; Jerry&#8217;s &lt;b&gt; caf&eacute;&nbsp;&#x1F600; &amp;lt; &bogus; &amp</p>\n';
  const expected = '<p>Tom & Jerry\u2019s <b> caf\u00E9\u00A0\u{1F600} &lt; &bogus; &amp</p>\n';
  const copies = Math.ceil((2 * 1024 * 1024) / chunk.length);
  const body = chunk.repeat(copies);
  assert.ok(body.length >= 2 * 1024 * 1024);
  assert.equal(decodeEntities(body), expected.repeat(copies));
});
