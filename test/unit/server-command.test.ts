// `npm start` and `deno task start` run the server with the flags the tests and the benchmark use.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { DENO_V8_ARGS, NODE_SERVER_ARGS } from '../../adapters/server-command.ts';

const readJson = async (name: string) => JSON.parse(await readFile(new URL(`../../${name}`, import.meta.url), 'utf8'));

test('npm start runs node with the server arguments', async () => {
  const { scripts } = await readJson('package.json');
  assert.equal(scripts.start, `node ${NODE_SERVER_ARGS.join(' ')}`);
  assert.ok(scripts.start.includes('--single-threaded-gc'));
});

test('deno task start passes the same V8 flags', async () => {
  const { tasks } = await readJson('deno.json');
  const words: string[] = tasks.start.split(' ');
  assert.deepEqual(
    words.filter((word) => word.startsWith('--v8-flags=')),
    DENO_V8_ARGS,
  );
});
