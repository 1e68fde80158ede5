// Admin tokens: plain entries and sha256: digests, compared whole.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { createTokenCheck, isValidTokenEntry } from '../../core/http/token-check.ts';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

test('a plain token entry accepts exactly that token', async () => {
  const check = await createTokenCheck(['s3cret']);
  assert.equal(await check('s3cret'), true);
  for (const wrong of ['s3cre', 's3crett', 'S3CRET', ' s3cret', '']) assert.equal(await check(wrong), false, JSON.stringify(wrong));
});

test('a sha256: entry accepts the token it is the digest of, in either hex case', async () => {
  const check = await createTokenCheck([`sha256:${digest('hashed-token')}`, `sha256:${digest('upper').toUpperCase()}`]);
  assert.equal(await check('hashed-token'), true);
  assert.equal(await check('upper'), true);
  assert.equal(await check(`sha256:${digest('hashed-token')}`), false, 'the digest itself is not a token');
  assert.equal(await check(digest('hashed-token')), false);
});

test('any of several entries is accepted and nothing else', async () => {
  const check = await createTokenCheck(['one', `sha256:${digest('two')}`, 'über-тoken']);
  assert.deepEqual(await Promise.all(['one', 'two', 'über-тoken', 'three'].map(check)), [true, true, true, false]);
});

test('no entries accept no token', async () => {
  const check = await createTokenCheck([]);
  assert.equal(await check(''), false);
  assert.equal(await check('anything'), false);
});

test('a sha256: entry must carry 64 hex digits', () => {
  assert.equal(isValidTokenEntry(`sha256:${digest('x')}`), true);
  assert.equal(isValidTokenEntry('plain'), true);
  assert.equal(isValidTokenEntry('sha256:abc'), false);
  assert.equal(isValidTokenEntry(`sha256:${digest('x').slice(1)}g`), false);
  assert.equal(isValidTokenEntry(''), false);
});
